from __future__ import annotations

from pathlib import Path

import pytest

from webapp import create_app


def make_app(tmp_path, test_config=None):
    return create_app(test_config, instance_path=str(tmp_path / "instance"))


def test_defaults_point_into_the_instance_folder(tmp_path, monkeypatch):
    for name in ("PARALLAX_SECRET_KEY", "PARALLAX_DATABASE_URL", "PARALLAX_SEEDS_DIR"):
        monkeypatch.delenv(name, raising=False)
    app = make_app(tmp_path)
    instance = tmp_path / "instance"
    assert instance.is_dir()
    assert app.config["SECRET_KEY"] == "dev"
    assert app.config["DATABASE_URL"] == f"sqlite:///{instance / 'parallax.sqlite3'}"
    seeds = Path(app.config["SEEDS_DIR"])
    assert seeds == Path(__file__).resolve().parents[2] / "seeds"
    assert (seeds / "manifest.json").is_file()


def test_config_order_file_then_env_then_test_config(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(
        'SECRET_KEY = "from-file"\nDATABASE_URL = "sqlite:///file.db"\nSEEDS_DIR = "/file/seeds"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("PARALLAX_DATABASE_URL", "sqlite:///env.db")
    monkeypatch.setenv("PARALLAX_SEEDS_DIR", "/env/seeds")

    app = make_app(tmp_path, {"SEEDS_DIR": "/test/seeds"})

    assert app.config["SECRET_KEY"] == "from-file"  # file beats the default
    assert app.config["DATABASE_URL"] == "sqlite:///env.db"  # environment beats the file
    assert app.config["SEEDS_DIR"] == "/test/seeds"  # test config beats the environment


def test_environment_values_are_parsed_as_json(tmp_path, monkeypatch):
    monkeypatch.setenv("PARALLAX_MAX_ARTICLES", "12")
    app = make_app(tmp_path)
    assert app.config["MAX_ARTICLES"] == 12


def test_unknown_page_is_an_html_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert "<h1>Page not found</h1>" in body
    assert 'href="/"' in body


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["error"] == "not_found"


def test_server_error_is_an_html_500(tmp_path):
    app = make_app(tmp_path, {"TESTING": True, "PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert "Something went wrong" in body
    assert "boom" not in body


@pytest.mark.parametrize("path", ["/", "/compare/seeds", "/no/such/page", "/static/css/app.css"])
def test_security_headers_on_every_response(client, path):
    with client.get(path) as response:
        headers = response.headers
    policy = headers["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
    )
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_scripts_styles_or_handlers(client):
    body = client.get("/compare/seeds").get_data(as_text=True)
    assert "<style" not in body
    assert " style=" not in body
    assert " onclick=" not in body and " onload=" not in body
    for tag in body.split("<script")[1:]:
        assert tag.lstrip().startswith("src="), "every script must be an external file"


def test_csrf_token_meta_tag_is_rendered(tmp_path):
    app = make_app(tmp_path, {"TESTING": True})
    body = app.test_client().get("/comparisons").get_data(as_text=True)
    assert '<meta name="csrf-token" content="' in body


def test_align_command_is_registered(app):
    assert "align" in app.cli.commands


def test_the_test_client_is_a_signed_in_teacher_and_auth_signs_out_and_in(app, client, auth):
    assert "Signed in as Mr Ito" in client.get("/comparisons").get_data(as_text=True)
    assert client.get("/exercises/new").status_code == 200  # a teacher's page
    assert auth.logout().status_code == 302
    page = client.get("/comparisons").get_data(as_text=True)
    assert "Signed in as" not in page
    assert client.get("/exercises/new").status_code == 302  # to the sign-in page
    refused = auth.login(password="not the password")
    assert refused.status_code == 422 and "Signed in as" not in refused.get_data(as_text=True)
    assert auth.login().status_code == 302
    assert "Signed in as Mr Ito" in client.get("/comparisons").get_data(as_text=True)


@pytest.mark.login_disabled
def test_the_single_user_mode_signs_nobody_in(app, client):
    assert app.config["LOGIN_DISABLED"]
    page = client.get("/comparisons").get_data(as_text=True)
    assert "Signed in as" not in page
    assert client.get("/exercises/new").status_code != 302
