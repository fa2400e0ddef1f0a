"""Request logs, error tracebacks and /healthz, as an administrator reads them."""

from __future__ import annotations

import json

import pytest

from tests.web.helpers import PASSWORD
from tests.web.helpers import add_teacher
from tests.web.helpers import document_text
from tests.web.helpers import seed_comparison
from tests.web.helpers import signed_in
from webapp import create_app


def log_lines(captured: str) -> list[dict]:
    return [json.loads(line) for line in captured.splitlines() if line.startswith("{")]


def requests(captured: str) -> list[dict]:
    return [entry for entry in log_lines(captured) if entry["logger"] == "webapp.requests"]


def test_each_request_is_one_structured_line(auth_app, capsys):
    add_teacher(auth_app)
    client = signed_in(auth_app)
    capsys.readouterr()
    comparison_id, _ = seed_comparison(auth_app)
    response = client.get(f"/comparisons/{comparison_id}")
    assert response.status_code == 200
    (entry,) = requests(capsys.readouterr().err)
    assert entry["method"] == "GET"
    assert entry["route"] == "/comparisons/<int:comparison_id>"
    assert entry["status"] == 200
    assert isinstance(entry["ms"], float) and entry["ms"] >= 0
    assert entry["user"] is not None and entry["level"] == "INFO"


def test_passwords_and_notes_never_reach_the_log(auth_app, capsys):
    add_teacher(auth_app)
    client = signed_in(auth_app)
    client.post("/login", data={"username": "ms.tanaka", "password": "wrong " + PASSWORD})
    _, (doc_a, _) = seed_comparison(auth_app)
    text = document_text(auth_app, doc_a)
    quote = text.split(".")[0][:30]
    note = "A private remark about the headline 7f3e"
    start = text.index(quote)
    saved = client.post(
        f"/api/documents/{doc_a}/annotations",
        json={
            "public_id": "0b6c3a8e-2f44-4c55-9a39-5d2b0e9c1f11",
            "start": start,
            "end": start + len(quote),
            "quote": quote,
            "tag_keys": ["slogan"],
            "tag_set_key": "media-literacy",
            "note": note,
        },
        headers={"X-CSRFToken": "unused"},
    )
    assert saved.status_code in (200, 201), saved.get_data(as_text=True)
    err = capsys.readouterr().err
    assert requests(err), "no request was logged"
    assert PASSWORD not in err and note not in err and quote not in err
    routes = {entry["route"] for entry in requests(err)}
    assert "/api/documents/<int:document_id>/annotations" in routes


def test_an_error_logs_its_traceback_once(tmp_path, capsys):
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}, instance_path=str(tmp_path)
    )

    @app.get("/boom")
    def boom():
        raise ZeroDivisionError("the failure under test")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    err = capsys.readouterr().err
    assert err.count("Traceback (most recent call last)") == 1
    assert err.count("ZeroDivisionError: the failure under test") == 1
    (error,) = [entry for entry in log_lines(err) if entry["level"] == "ERROR"]
    assert "ZeroDivisionError" in error["traceback"]
    (entry,) = requests(err)
    assert entry["status"] == 500 and entry["route"] == "/boom"


def test_the_log_level_comes_from_the_environment(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PARALLAX_LOG_LEVEL", "WARNING")
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}, instance_path=str(tmp_path)
    )
    app.test_client().get("/healthz")
    app.test_client().get("/login")
    assert requests(capsys.readouterr().err) == []
    monkeypatch.setenv("PARALLAX_LOG_LEVEL", "SHOUTING")
    with pytest.raises(ValueError, match="LOG_LEVEL"):
        create_app(instance_path=str(tmp_path))


def test_healthz_checks_the_database(client, capsys):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    # Polled every few seconds: a DEBUG line, not an INFO one.
    assert requests(capsys.readouterr().err) == []


def test_healthz_fails_when_the_database_is_unreachable(tmp_path):
    unreachable = tmp_path / "no-such-folder" / "parallax.sqlite3"
    app = create_app({"DATABASE_URL": f"sqlite:///{unreachable}"}, instance_path=str(tmp_path))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
