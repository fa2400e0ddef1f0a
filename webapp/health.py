"""``/healthz``: whether this server process can reach its database (for proxies and containers)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from webapp.db import get_session

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[dict[str, Any], int]:
    """Answer 200 when the database answers a query, 503 (and log why) when it does not."""
    try:
        get_session().execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        current_app.logger.error("health check: the database does not answer: %s", exc)
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200
