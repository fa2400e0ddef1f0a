"""Accounts on the web: first-run setup, sign in and out, rate limit, who may change what."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import func
from sqlalchemy import select

from annotations.storage import accounts
from annotations.storage import models
from tests.web.helpers import PASSWORD
from tests.web.helpers import SLOGAN
from webapp import create_app
from webapp import db
from webapp.auth.access import _outside_the_limits

# Signing in is what these tests do: their client starts signed out, with no teacher stored.
pytestmark = [pytest.mark.databases, pytest.mark.signed_out]


def add_user(app, username="ms.tanaka", name="Ms Tanaka", role="teacher", password=PASSWORD):
    with app.app_context():
        session = db.get_session()
        user = accounts.create_user(
            session, username=username, name=name, password=password, role=role
        )
        session.commit()
        return user.id


def users(app):
    with app.app_context():
        return db.get_session().scalars(select(models.User).order_by(models.User.id)).all()


def count(app, model):
    with app.app_context():
        return db.get_session().scalar(select(func.count()).select_from(model))


def sign_in(client, username="ms.tanaka", password=PASSWORD, **params):
    return client.post(
        "/login", query_string=params, data={"username": username, "password": password}
    )


def field_errors(response, field):
    """Return the error text rendered under one form field."""
    page = response.get_data(as_text=True)
    match = re.search(rf'<ul class="field-errors" id="{field}-errors">(.*?)</ul>', page, re.S)
    return re.sub(r"<[^>]+>", " ", match.group(1)) if match else ""


def csrf_token(client, path="/login"):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


# -- first visit -------------------------------------------------------------------------------

SETUP = {
    "name": "Ms Tanaka",
    "username": "Ms.Tanaka",
    "password": PASSWORD,
    "confirm": PASSWORD,
}


def test_first_visit_creates_the_teacher_once(auth_app, client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/setup"
    assert client.get("/setup").status_code == 200

    response = client.post("/setup", data=SETUP)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    (user,) = users(auth_app)
    assert (user.username, user.name, user.role) == ("Ms.Tanaka", "Ms Tanaka", "teacher")
    assert accounts.verify_password(user.password_hash, PASSWORD)

    home = client.get("/")
    assert home.status_code == 200
    page = home.get_data(as_text=True)
    assert "Signed in as Ms Tanaka" in page
    assert "your teacher account is ready" in page

    # Once a teacher exists the page is gone, for them and for anyone else.
    assert client.get("/setup").status_code == 404
    assert client.post("/setup", data={**SETUP, "username": "second"}).status_code == 404
    anonymous = auth_app.test_client()
    assert anonymous.get("/setup").status_code == 404
    assert anonymous.get("/").status_code == 200
    assert len(users(auth_app)) == 1


def test_a_user_without_a_password_does_not_count_as_the_teacher(auth_app, client):
    with auth_app.app_context():
        session = db.get_session()
        accounts.get_or_add_user(session, "Annotator", role="teacher")
        session.commit()
    assert client.get("/").headers["Location"] == "/setup"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"password": "short one", "confirm": "short one"}, "password", "at least 10 characters"),
        ({"password": "password1", "confirm": "password1"}, "password", "at least 10"),
        ({"password": "1234567890", "confirm": "1234567890"}, "password", "more than digits"),
        ({"password": "ms.tanaka!", "confirm": "ms.tanaka!"}, "password", None),
        ({"password": "Ms.Tanaka", "confirm": "Ms.Tanaka"}, "password", "at least 10"),
        (
            {
                "username": "tanaka.teaches",
                "password": "TANAKA.teaches",
                "confirm": "TANAKA.teaches",
            },
            "password",
            "differ from the username",
        ),
        ({"confirm": PASSWORD + "!"}, "confirm", "The two passwords differ"),
        ({"username": "has space"}, "username", "letters, digits"),
        ({"username": ""}, "username", "Choose a username"),
        ({"name": "  "}, "name", "Enter the name"),
    ],
)
def test_setup_shows_each_mistake_on_its_field_and_creates_nothing(
    auth_app, client, changes, field, message
):
    response = client.post("/setup", data={**SETUP, **changes})
    if message is None:
        # A strong enough password that merely contains the username is accepted.
        assert response.status_code == 302
        return
    assert response.status_code == 422
    assert message in field_errors(response, field)
    assert "The account was not created" in response.get_data(as_text=True)
    assert users(auth_app) == []
    assert "Signed in as" not in response.get_data(as_text=True)


# -- sign in and out ---------------------------------------------------------------------------


def test_wrong_password_is_refused_and_the_right_one_signs_in(auth_app, client):
    add_user(auth_app)
    response = sign_in(client, password="not the password")
    assert response.status_code == 422
    assert "Wrong username or password" in field_errors(response, "password")
    assert "Signed in as" not in response.get_data(as_text=True)
    assert client.get("/comparisons/new").status_code == 302

    response = sign_in(client, username="nobody")
    assert response.status_code == 422
    assert "Wrong username or password" in field_errors(response, "password")

    response = sign_in(client, username="MS.TANAKA")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/comparisons/new").status_code == 200
    assert "Signed in as Ms Tanaka" in client.get("/comparisons").get_data(as_text=True)
    (user,) = users(auth_app)
    assert user.last_login_at is not None


def test_anonymous_header_offers_sign_in(client):
    page = client.get("/comparisons").get_data(as_text=True)
    assert 'href="/login">Sign in</a>' in page
    assert "Sign out" not in page


def test_session_cookie_is_httponly_and_samesite_lax(auth_app, client):
    add_user(auth_app)
    cookie = sign_in(client).headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_prefer_https_makes_cookies_secure(tmp_path):
    app = create_app({"PREFER_HTTPS": True}, instance_path=str(tmp_path))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("/tag-sets", "/tag-sets"),
        ("/comparisons/new?x=1", "/comparisons/new?x=1"),
        ("//evil.example", "/"),
        ("//evil.example/comparisons", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_must_be_a_local_path(auth_app, client, target, location):
    add_user(auth_app)
    response = sign_in(client, next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == location


def test_a_protected_page_sends_anonymous_visitors_to_sign_in_and_back(auth_app, client):
    add_user(auth_app)
    response = client.get("/comparisons/new")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/comparisons/new"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Please sign in to do that." in page
    assert 'action="/login?next=/comparisons/new"' in page
    response = sign_in(client, next="/comparisons/new")
    assert response.headers["Location"] == "/comparisons/new"


def test_sign_out_needs_a_post_with_the_csrf_token(auth_app, client):
    add_user(auth_app)
    auth_app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(
        "/login",
        data={"username": "ms.tanaka", "password": PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/comparisons/new").status_code == 200

    token = csrf_token(client, "/comparisons")
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert "Signed out." in client.get("/comparisons").get_data(as_text=True)
    assert client.get("/comparisons/new").status_code == 302


def limited_app(tmp_path, database_url, **config):
    """An app on ``database_url`` with the sign-in limits on (the `app` fixture turns them off)."""
    return create_app(
        {"TESTING": True, "WTF_CSRF_ENABLED": False, "DATABASE_URL": database_url, **config},
        instance_path=str(tmp_path / "limited"),
    )


def test_failed_sign_ins_are_limited_per_account_and_address(tmp_path, database_url, app):
    limited = limited_app(tmp_path, database_url)
    assert limited.config["LOGIN_RATE_LIMIT"] == "10 per minute"
    add_user(limited)
    add_user(limited, username="mr.sato", name="Mr Sato")
    client = limited.test_client()
    for _ in range(10):
        assert sign_in(client, password="a wrong guess").status_code == 422
    response = sign_in(client)
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many sign-in attempts failed" in page
    assert '<a href="/login">try again</a>' in page
    # Whatever the spelling of the username.
    assert sign_in(client, username=" MS.Tanaka ").status_code == 429
    # Reading the form is not an attempt.
    assert client.get("/login").status_code == 200
    # Another account from the same address has its own count.
    assert sign_in(limited.test_client(), username="mr.sato").status_code == 302
    # Another address too.
    response = client.post(
        "/login",
        data={"username": "ms.tanaka", "password": PASSWORD},
        environ_overrides={"REMOTE_ADDR": "127.0.0.2"},
    )
    assert response.status_code == 302
    with limited.app_context():
        db.get_engine().dispose()


def test_signing_in_that_works_is_never_limited_and_failures_count_per_address(
    tmp_path, database_url, app
):
    limited = limited_app(tmp_path, database_url, LOGIN_ADDRESS_RATE_LIMIT="12 per minute")
    add_user(limited)
    # A class signing in through one school address: successes do not count.
    for _ in range(30):
        assert sign_in(limited.test_client()).status_code == 302
    # Failures do, across accounts: trying many usernames from one address is limited too.
    client = limited.test_client()
    for number in range(12):
        assert sign_in(client, username=f"guess{number}").status_code == 422
    assert sign_in(client).status_code == 429
    with limited.app_context():
        db.get_engine().dispose()


@pytest.mark.parametrize("proxies, separate", [(0, False), (1, True)])
def test_behind_a_trusted_proxy_each_client_has_its_own_count(
    tmp_path, database_url, app, proxies, separate
):
    limited = limited_app(tmp_path, database_url, TRUSTED_PROXIES=proxies)
    add_user(limited)
    client = limited.test_client()
    for _ in range(10):
        headers = {"X-Forwarded-For": "203.0.113.7"}
        response = client.post(
            "/login", data={"username": "ms.tanaka", "password": "wrong"}, headers=headers
        )
        assert response.status_code == 422
    # Another client behind the same proxy: only a trusted proxy's header tells them apart.
    response = client.post(
        "/login",
        data={"username": "ms.tanaka", "password": PASSWORD},
        headers={"X-Forwarded-For": "203.0.113.8"},
    )
    assert response.status_code == (302 if separate else 429)
    with limited.app_context():
        db.get_engine().dispose()


def test_the_limiter_skips_only_the_json_api(app):
    # The JSON API has no limited route, so the limiter is not asked; every page is.
    for method, path, skipped in (
        ("POST", "/api/documents/1/annotations", True),
        ("GET", "/api/exercises/1/progress", True),
        ("POST", "/login", False),
        ("POST", "/join", False),
        ("GET", "/comparisons/1", False),
    ):
        with app.test_request_context(path, method=method):
            assert _outside_the_limits() is skipped, path


# -- who may change what ------------------------------------------------------------------------


def annotation_body(text, comparison_id):
    start = text.index(SLOGAN)
    return {
        "public_id": str(uuid.uuid4()),
        "start": start,
        "end": start + len(SLOGAN),
        "quote": SLOGAN,
        "tag_keys": ["slogan"],
        "tag_set_key": "media-literacy",
        "comparison_id": comparison_id,
    }


def test_anonymous_api_writes_get_401_and_store_nothing(auth_app, client, seeded):
    comparison_id, (_, document_id) = seeded
    text = seeded.texts[1]
    body = annotation_body(text, comparison_id)
    response = client.post(f"/api/documents/{document_id}/annotations", json=body)
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"
    assert count(auth_app, models.Annotation) == 0
    for method, path in [
        ("patch", f"/api/annotations/{body['public_id']}"),
        ("delete", f"/api/annotations/{body['public_id']}"),
        ("post", f"/api/annotations/{body['public_id']}/restore"),
    ]:
        response = getattr(client, method)(path, json={"note": "x"} if method == "patch" else None)
        assert response.status_code == 401, path
        assert response.is_json
    # Reading stays public.
    assert client.get(f"/api/comparisons/{comparison_id}/annotations").status_code == 200
    assert client.get("/api/tag-sets").status_code == 200


def test_annotations_are_credited_to_the_signed_in_teacher(auth_app, client, seeded):
    comparison_id, (_, document_id) = seeded
    text = seeded.texts[1]
    add_user(auth_app)
    sign_in(client)
    body = annotation_body(text, comparison_id)
    response = client.post(f"/api/documents/{document_id}/annotations", json=body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["author"] == "Ms Tanaka"
    assert [user.name for user in users(auth_app)] == ["Ms Tanaka"]


def test_a_student_may_not_change_anything(auth_app, client, seeded):
    comparison_id, (_, document_id) = seeded
    text = seeded.texts[1]
    add_user(auth_app, username="kai", name="Kai", role="student")
    sign_in(client, username="kai")
    body = annotation_body(text, comparison_id)
    response = client.post(f"/api/documents/{document_id}/annotations", json=body)
    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"
    assert client.get("/comparisons/new").status_code == 403
    assert client.post("/tag-sets/new", data={"name": "Mine"}).status_code == 403
    assert count(auth_app, models.Annotation) == 0


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/comparisons/new"),
        ("post", "/comparisons/new"),
        ("get", "/tag-sets/new"),
        ("post", "/tag-sets/new"),
        ("get", "/tag-sets/import"),
        ("post", "/tag-sets/import"),
        ("get", "/tag-sets/media-literacy/copy"),
        ("get", "/tag-sets/media-literacy/edit"),
        ("post", "/tag-sets/media-literacy/edit"),
        ("post", "/tag-sets/media-literacy/tags"),
        ("post", "/tag-sets/media-literacy/tags/slogan/remove"),
        ("post", "/tag-sets/media-literacy/tags/slogan/move"),
        ("get", "/tag-sets/media-literacy/tags/slogan/edit"),
    ],
)
def test_html_writes_send_anonymous_visitors_to_sign_in(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 302
    if method == "get":
        assert response.headers["Location"] == f"/login?next={path}"
    else:
        assert response.headers["Location"] == "/login"


def test_reading_pages_stay_public(client, seeded):
    comparison_id, _ = seeded
    for path in ("/comparisons", f"/comparisons/{comparison_id}", "/tag-sets"):
        assert client.get(path).status_code == 200, path


# -- the create-teacher command ----------------------------------------------------------------


def test_create_teacher_from_stdin_and_from_the_prompt(auth_app):
    runner = auth_app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-teacher",
            "--username",
            "ms.tanaka",
            "--name",
            "Ms Tanaka",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created the teacher 'ms.tanaka' (Ms Tanaka)" in result.output
    result = runner.invoke(
        args=["create-teacher", "--username", "mr.ito"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert [(u.username, u.name) for u in users(auth_app)] == [
        ("ms.tanaka", "Ms Tanaka"),
        ("mr.ito", "mr.ito"),
    ]
    client = auth_app.test_client()
    assert client.get("/setup").status_code == 404
    assert sign_in(client, username="mr.ito").status_code == 302


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--username", "ms tanaka", "--password-stdin"], PASSWORD, "username: use 3 to 64"),
        (["--username", "kai.sato", "--password-stdin"], "password1", "password: use at least"),
        (["--username", "MS.TANAKA", "--password-stdin"], PASSWORD, "'MS.TANAKA' is taken"),
        (["--username", "other", "--name", " ", "--password-stdin"], PASSWORD, "name: required"),
    ],
)
def test_create_teacher_refuses_bad_input_in_one_line(auth_app, args, stdin, message):
    add_user(auth_app, username="ms.tanaka")
    before = len(users(auth_app))
    result = auth_app.test_cli_runner().invoke(args=["create-teacher", *args], input=stdin + "\n")
    assert result.exit_code == 2
    assert message in result.output
    assert result.output.count("\n") == 1
    assert len(users(auth_app)) == before


def test_create_teacher_needs_the_tables(tmp_path):
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}, instance_path=str(tmp_path)
    )
    result = app.test_cli_runner().invoke(
        args=["create-teacher", "--username", "ms.tanaka", "--password-stdin"], input=PASSWORD
    )
    assert result.exit_code == 2
    assert "parallax db upgrade" in result.output
    with app.app_context():
        db.get_engine().dispose()
