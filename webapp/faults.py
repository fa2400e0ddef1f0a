"""Database trouble after start-up: a plain 503, never a failing error page.

A connection that dies mid-request, a server that is down, a pool timeout or a read-only
SQLite file answer 503 with a message a reader understands. The handlers here never run a
statement on the request's session (its transaction may be broken): they throw the session
away and show the page without loading the signed-in user.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask import current_app
from flask import g
from flask import render_template
from flask_login import AnonymousUserMixin
from sqlalchemy.exc import DataError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from webapp.auth.access import is_api_request

__all__ = ["discard_session", "init_app", "unavailable_message", "without_user_lookup"]

DOWN = "The database cannot be reached right now. Please try again in a minute."
READ_ONLY = (
    "The database is read-only right now, so nothing can be saved. "
    "Whoever runs this Parallax site needs to make its database file writable."
)
BUSY = "The database is busy right now. Please try again in a moment."


def discard_session() -> None:
    """Throw the request's session away without a statement (its connection may be dead)."""
    session = g.pop("db_session", None)
    if session is None:
        return
    try:
        # Closing a session whose connection broke invalidates it instead of reusing it.
        session.close()
    except Exception:  # noqa: BLE001 - the session is gone either way; the page must still show
        current_app.logger.warning("could not close a broken database session", exc_info=True)


def without_user_lookup() -> None:
    """Show the next page as anonymous, if nobody was loaded yet, without asking the database."""
    # Flask-Login keeps the loaded user in g._login_user; an anonymous one there means the
    # page does not ask the (unusable) database who is signed in.
    if "_login_user" not in g:
        g._login_user = AnonymousUserMixin()


def unavailable_message(error: BaseException) -> str | None:
    """Return the 503 message for a database fault, or None if ``error`` is not one."""
    if isinstance(error, DBAPIError):
        text = str(error.orig).lower()
        if "readonly database" in text or "read-only" in text:
            return READ_ONLY
        if "database is locked" in text:
            return BUSY
        if isinstance(error, OperationalError) or error.connection_invalidated:
            return DOWN
        return None
    if isinstance(error, (DisconnectionError, PoolTimeoutError)):
        return DOWN
    return None


def _database_fault(error: Exception) -> Any:
    message = unavailable_message(error)
    if message is None and isinstance(error, DataError):
        # A value the database refuses (the entry checks should have caught it first).
        discard_session()
        without_user_lookup()
        if "nul" in str(error.orig).lower() or "0x00" in str(error.orig):
            problem = "the request holds a NUL character (U+0000), which cannot be used in text"
        else:
            problem = "a value in the request cannot be stored (out of range or not text)"
        if is_api_request():
            return {"error": "bad_request", "message": problem}, 400
        return render_template("errors/problem.html", message=problem), 400
    if message is None:
        # Not an outage: the 500 handler shows it, after this same clean-up.
        discard_session()
        without_user_lookup()
        raise error
    current_app.logger.error("database fault: %s", error)
    discard_session()
    without_user_lookup()
    if is_api_request():
        return {"error": "service_unavailable", "message": message}, 503, {"Retry-After": "30"}
    page = render_template("errors/503.html", message=message)
    return page, 503, {"Retry-After": "30"}


def init_app(app: Flask) -> None:
    """Answer database faults raised anywhere in a request with 503."""
    app.register_error_handler(DBAPIError, _database_fault)
    app.register_error_handler(DisconnectionError, _database_fault)
    app.register_error_handler(PoolTimeoutError, _database_fault)
