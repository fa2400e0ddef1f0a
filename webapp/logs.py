"""Logs an administrator can use: one JSON line per request, errors with their traceback once.

A request line holds the method, the route's pattern (``/comparisons/<int:comparison_id>``,
never the query string or a body, so no password or note reaches the log), the status, the
time taken and the signed-in user's id. ``PARALLAX_LOG_LEVEL`` (or ``LOG_LEVEL`` in
``config.py``) sets the level; ``DEBUG`` adds the health checks' requests.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

from flask import Flask
from flask import Response
from flask import g
from flask import request
from flask import session

LOGGER = "webapp"
REQUEST_LOGGER = "webapp.requests"
# Paths polled by load balancers and container runtimes: logged at DEBUG only.
QUIET_PATHS = frozenset({"/healthz"})
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object: time, level, logger, message, its extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update((key, value) for key, value in record.__dict__.items() if key not in _STANDARD)
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Write to whatever ``sys.stderr`` is when a record comes, as logging's last resort does."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def _handler() -> logging.Handler:
    handler = _StderrHandler()
    handler.setFormatter(JsonFormatter())
    handler.set_name("parallax")
    return handler


def init_app(app: Flask) -> None:
    """Send the app's logs to stderr as JSON lines and log every request once."""
    logger = logging.getLogger(LOGGER)
    level = str(app.config.get("LOG_LEVEL") or "INFO").upper()
    if level not in logging.getLevelNamesMapping():
        raise ValueError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level!r}")
    logger.setLevel(level)
    # One handler per process, however many apps it creates (the tests make hundreds).
    if not any(handler.get_name() == "parallax" for handler in logger.handlers):
        logger.addHandler(_handler())
    # Flask's own handler would print each error a second time, in another format.
    logger.propagate = False
    app.before_request(_start_timer)
    app.after_request(_log_request)


def _start_timer() -> None:
    g.request_started = time.perf_counter()


def _user_id() -> str | None:
    # The user Flask-Login loaded for the view, else the id in the session: never a new query.
    user = g.get("_login_user")
    if user is not None and getattr(user, "is_authenticated", False):
        return str(user.get_id())
    value = session.get("_user_id")
    return None if value is None else str(value)


def _log_request(response: Response) -> Response:
    started = g.get("request_started")
    elapsed = None if started is None else round((time.perf_counter() - started) * 1000, 1)
    rule = request.url_rule.rule if request.url_rule is not None else None
    level = logging.DEBUG if request.path in QUIET_PATHS else logging.INFO
    logging.getLogger(REQUEST_LOGGER).log(
        level,
        "%s %s %s",
        request.method,
        rule or "(no route)",
        response.status_code,
        extra={
            "method": request.method,
            "route": rule,
            "status": response.status_code,
            "ms": elapsed,
            "user": _user_id(),
            "address": request.remote_addr,
        },
    )
    return response
