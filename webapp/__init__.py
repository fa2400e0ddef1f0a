"""The Parallax web app."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    from flask import Flask
    from flask import Response
    from werkzeug.exceptions import BadRequest
    from werkzeug.exceptions import HTTPException

    from annotations.errors import AnnotationError

# Flask, SQLAlchemy and the blueprints are imported inside create_app(): `parallax --help`
# and `parallax align` import this package and should not pay for the web app.

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def create_app(
    test_config: Mapping[str, Any] | None = None,
    *,
    instance_path: str | None = None,
    web: bool = True,
) -> Flask:
    """Build and configure the Parallax Flask app.

    With ``web=False`` only the configuration and the database are set up, no page, API or
    command: what the database commands (``parallax export``, ``import``, ``db`` ...) use,
    so that they start without importing the web app.
    """
    from flask import Flask

    from webapp import db
    from webapp import locations
    from webapp import settings
    from webapp.secret_key import configure_secret_key

    if instance_path is None:
        instance_path = str(locations.default_instance_path())
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.config.from_mapping(settings.defaults(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("PARALLAX")
    if test_config is not None:
        app.config.from_mapping(test_config)
    if app.config["PREFER_HTTPS"]:
        app.config.update(
            SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True, PREFERRED_URL_SCHEME="https"
        )
    os.makedirs(app.instance_path, exist_ok=True)
    configure_secret_key(app)
    if not web:
        db.init_app(app)
        return app
    _add_web(app)
    return app


def _add_web(app: Flask) -> None:
    """Add what serves requests (pages, API, errors, headers) and the commands to ``app``."""
    from flask_wtf import CSRFProtect
    from werkzeug.middleware.proxy_fix import ProxyFix

    from annotations.errors import AnnotationError
    from webapp import api
    from webapp import articles
    from webapp import auth
    from webapp import compare
    from webapp import compression
    from webapp import db
    from webapp import exercises
    from webapp import faults
    from webapp import health
    from webapp import inputs
    from webapp import logs
    from webapp import reports
    from webapp import tagsets
    from webapp import transfer
    from webapp.cli import register_commands

    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies > 0:
        # The client's address (the sign-in limits count by it) and scheme, as the proxy saw them.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )

    inputs.init_app(app)
    logs.init_app(app)
    # After the request log's hook, so that the logged time includes compressing.
    compression.init_app(app)
    db.init_app(app)
    faults.init_app(app)
    CSRFProtect(app)
    auth.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(compare.bp)
    app.register_blueprint(articles.bp)
    app.register_blueprint(tagsets.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(exercises.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(transfer.bp)
    app.register_error_handler(404, _not_found)
    app.register_error_handler(500, _server_error)
    app.register_error_handler(503, _unavailable)
    app.register_error_handler(400, _bad_request)
    app.register_error_handler(AnnotationError, _core_error)
    app.after_request(_add_security_headers)
    register_commands(app)


def _not_found(error: HTTPException) -> tuple[Any, int]:
    from flask import render_template

    from webapp.auth.access import is_api_request

    if is_api_request():
        return {"error": "not_found", "message": error.description}, 404
    return render_template("errors/404.html"), 404


def _server_error(error: Exception) -> tuple[Any, int]:
    from flask import render_template

    from webapp import faults
    from webapp.auth.access import is_api_request

    # The request's transaction may be what failed: no statement on it, no user look-up.
    faults.discard_session()
    faults.without_user_lookup()
    if is_api_request():
        return {"error": "internal_server_error", "message": "The server failed."}, 500
    return render_template("errors/500.html"), 500


def _bad_request(error: BadRequest) -> tuple[Any, int]:
    from flask import render_template

    from webapp.auth.access import is_api_request

    if is_api_request():
        return {"error": "bad_request", "message": error.description}, 400
    return render_template("errors/problem.html", message=error.description), 400


def _core_error(error: AnnotationError) -> tuple[Any, int]:
    # Views show the errors they expect beside the form; this answers the rest (a value
    # the storage check refused, say) with the core's status and message.
    from flask import render_template

    from webapp import faults
    from webapp.auth.access import is_api_request

    faults.discard_session()
    if is_api_request():
        body = {"error": error.code, "message": str(error)}
        if error.field is not None:
            body["field"] = error.field
        return body, error.status
    return render_template("errors/problem.html", message=str(error)), error.status


def _unavailable(error: HTTPException) -> tuple[Any, int]:
    from flask import render_template

    from webapp import faults
    from webapp.auth.access import is_api_request

    faults.without_user_lookup()
    if is_api_request():
        return {"error": "service_unavailable", "message": error.description}, 503
    return render_template("errors/503.html", message=error.description), 503


def _add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
