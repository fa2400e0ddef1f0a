"""Issue 12, finding 1: a served app never signs sessions with a key anybody knows."""

from __future__ import annotations

import stat

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from tests.web.helpers import PASSWORD
from tests.web.helpers import add_teacher
from webapp import create_app
from webapp.secret_key import InsecureSecretKeyError

pytestmark = pytest.mark.databases


@pytest.fixture(autouse=True)
def no_key_from_the_environment(monkeypatch):
    monkeypatch.delenv("PARALLAX_SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)


def forged_cookie(key, user_id):
    """Sign a Flask-Login session naming ``user_id`` with ``key``, as an attacker would."""
    signer = Flask(__name__)
    signer.secret_key = key
    serializer = SecureCookieSessionInterface().get_signing_serializer(signer)
    return serializer.dumps({"_user_id": str(user_id), "_fresh": True})


def test_first_start_makes_a_private_random_key_and_keeps_it(tmp_path):
    instance = tmp_path / "instance"
    first = create_app({"RATELIMIT_ENABLED": False}, instance_path=str(instance))
    kept = instance / "secret_key"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    key = first.config["SECRET_KEY"]
    assert key not in ("dev", "") and len(key) >= 32
    again = create_app({"RATELIMIT_ENABLED": False}, instance_path=str(instance))
    assert again.config["SECRET_KEY"] == key
    other = create_app({"RATELIMIT_ENABLED": False}, instance_path=str(tmp_path / "other"))
    assert other.config["SECRET_KEY"] != key


@pytest.mark.parametrize("known", ["dev", "secret", "changeme", "", "short-but-not-known"])
def test_a_known_or_short_key_refuses_to_start(tmp_path, monkeypatch, known):
    monkeypatch.setenv("PARALLAX_SECRET_KEY", known)
    with pytest.raises(InsecureSecretKeyError, match="SECRET_KEY"):
        create_app({"RATELIMIT_ENABLED": False}, instance_path=str(tmp_path / "instance"))
    (tmp_path / "instance").mkdir(exist_ok=True)
    (tmp_path / "instance" / "config.py").write_text('SECRET_KEY = "dev"\n', encoding="utf-8")
    monkeypatch.delenv("PARALLAX_SECRET_KEY")
    with pytest.raises(InsecureSecretKeyError, match="publicly known"):
        create_app({"RATELIMIT_ENABLED": False}, instance_path=str(tmp_path / "instance"))


def test_debug_and_tests_may_use_dev(tmp_path, monkeypatch):
    monkeypatch.setenv("PARALLAX_SECRET_KEY", "dev")
    testing = create_app({"TESTING": True}, instance_path=str(tmp_path / "a"))
    assert testing.config["SECRET_KEY"] == "dev"
    monkeypatch.setenv("FLASK_DEBUG", "1")
    debugging = create_app({"RATELIMIT_ENABLED": False}, instance_path=str(tmp_path / "b"))
    assert debugging.config["SECRET_KEY"] == "dev"


def test_a_cookie_signed_with_dev_is_not_a_teacher(tmp_path, database_url):
    app = create_app(
        {"RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False, "DATABASE_URL": database_url},
        instance_path=str(tmp_path / "instance"),
    )
    from annotations.storage.models import Base
    from webapp import db

    with app.app_context():
        engine = db.get_engine()
    Base.metadata.create_all(engine)
    try:
        teacher = add_teacher(app)
        client = app.test_client()
        client.set_cookie("session", forged_cookie("dev", teacher))
        response = client.get("/tag-sets/new")
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
        # A real sign-in's cookie, signed again with "dev", is no more use: it is the key.
        real = app.test_client()
        assert (
            real.post("/login", data={"username": "ms.tanaka", "password": PASSWORD}).status_code
            == 302
        )
        serializer = SecureCookieSessionInterface().get_signing_serializer(app)
        data = serializer.loads(real.get_cookie("session").value)
        signer = Flask(__name__)
        signer.secret_key = "dev"
        resigned = SecureCookieSessionInterface().get_signing_serializer(signer).dumps(data)
        client.set_cookie("session", resigned)
        assert client.get("/tag-sets/new").status_code == 302
        client.set_cookie("session", serializer.dumps(data))
        assert client.get("/tag-sets/new").status_code == 200
    finally:
        from tests.conftest import drop_everything

        drop_everything(engine)
        engine.dispose()
