"""Who is signed in (Flask-Login), who may change things, and the sign-in rate limit."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from typing import TypeVar
from typing import cast
from urllib.parse import urlsplit

from flask import Flask
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_login import UserMixin
from flask_login import current_user
from sqlalchemy import bindparam
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from annotations.storage import models
from webapp.db import get_session

F = TypeVar("F", bound=Callable[..., Any])

login_manager = LoginManager()
login_manager.login_view = "auth.login"
# Counters live in the process; a restart forgets them, which is fine for one server. The
# limiter is one object per process and takes its settings from the last app given to
# init_app: one app per process in production; tests that build several apps set
# RATELIMIT_ENABLED on each (create_app's default is True, so none inherits another's).
# Storage from RATELIMIT_STORAGE_URI (memory:// by default; Redis shares counts between servers).
limiter = Limiter(key_func=get_remote_address)


@limiter.request_filter
def _outside_the_limits() -> bool:
    """Let the JSON API past the limiter: no route of it is limited, and saves are hot."""
    return is_api_request()


def _failed(response: Response) -> bool:
    # A sign-in that works answers with a redirect; only the other answers count.
    return response.status_code != 302


def sign_in_limits(account: Callable[[], str]) -> Callable[[F], F]:
    """Limit the failed POSTs of a sign-in form: per address and account, and per address.

    ``LOGIN_RATE_LIMIT`` holds for one account (``account()`` names it from the form) tried
    from one address, ``LOGIN_ADDRESS_RATE_LIMIT`` for everything tried from one address. Only
    failures count, so a whole class signing in through one school address is not held up,
    while guessing one account's password is, and so is trying many accounts or join codes.
    """

    def account_key() -> str:
        return f"{get_remote_address()} {' '.join(account().split()).casefold()}"

    def per_account_limit() -> str:
        return str(current_app.config["LOGIN_RATE_LIMIT"])

    def per_address_limit() -> str:
        return str(current_app.config["LOGIN_ADDRESS_RATE_LIMIT"])

    per_account = limiter.limit(
        per_account_limit, key_func=account_key, methods=["POST"], deduct_when=_failed
    )
    per_address = limiter.limit(per_address_limit, methods=["POST"], deduct_when=_failed)

    def decorate(view: F) -> F:
        return cast(F, per_address(per_account(view)))

    return decorate


@dataclass(frozen=True)
class SignedInUser(UserMixin):
    """The signed-in user as Flask-Login sees them, detached from any database session."""

    id: int
    username: str
    name: str
    role: models.Role

    @property
    def is_teacher(self) -> bool:
        """Return True for a teacher."""
        return self.role == "teacher"

    @property
    def is_student(self) -> bool:
        """Return True for a student (an account of one exercise)."""
        return self.role == "student"


def init_app(app: Flask) -> None:
    """Wire Flask-Login and the rate limiter into ``app``."""
    login_manager.init_app(app)
    limiter.init_app(app)
    app.register_error_handler(429, _too_many_requests)


# The columns the loader needs, as a plain row: it runs on every signed-in request.
_SIGNED_IN_USER = select(
    models.User.id,
    models.User.username,
    models.User.name,
    models.User.role,
    models.User.password_hash.is_not(None).label("has_password"),
).where(models.User.id == bindparam("user_id"))


@login_manager.user_loader
def load_user(user_id: str) -> SignedInUser | None:
    """Return the user a session cookie names, if they still exist and may sign in."""
    try:
        number = int(user_id)
    except ValueError:
        return None
    row = get_session().connection().execute(_SIGNED_IN_USER, {"user_id": number}).first()
    if row is None or not row.has_password:
        return None
    # Students sign in through their exercise's join code and have no username.
    if row.username is None and row.role != "student":
        return None
    return SignedInUser(id=row.id, username=row.username or "", name=row.name, role=row.role)


def is_api_request() -> bool:
    """Return True when the request is under /api."""
    return request.path == "/api" or request.path.startswith("/api/")


@login_manager.unauthorized_handler
def unauthorized() -> Response:
    """Answer an anonymous request for a teacher's page: 401 JSON or the sign-in page."""
    if is_api_request():
        abort(401, "sign in to change annotations")
    flash("Please sign in to do that.", "info")
    if request.method != "GET":
        # Coming back to a POST-only address after signing in would only answer 405.
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def teacher_required(view: F) -> F:
    """Let only a signed-in teacher through (everyone when LOGIN_DISABLED is set)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_app.config.get("LOGIN_DISABLED"):
            return view(*args, **kwargs)
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.role != "teacher":
            abort(403, "only a teacher may do this")
        return view(*args, **kwargs)

    return cast(F, wrapper)


def annotator_required(view: F) -> F:
    """Let anyone signed in through, teacher or student (everyone when LOGIN_DISABLED is set).

    The view itself decides what this user may change (a student only their own exercise work).
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_app.config.get("LOGIN_DISABLED") or current_user.is_authenticated:
            return view(*args, **kwargs)
        return login_manager.unauthorized()

    return cast(F, wrapper)


def is_local_path(target: str | None) -> bool:
    """Return True if ``target`` is a path on this site (so redirecting there is safe)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    # Browsers read a backslash as a slash: "/\\evil.example" leaves the site.
    if "\\" in target or any(ord(char) < 32 for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def _too_many_requests(error: HTTPException) -> tuple[Any, int]:
    if is_api_request():
        return {"error": "too_many_requests", "message": "too many attempts; wait a minute"}, 429
    return render_template("auth/too_many.html"), 429
