"""Compressed answers: every text response, as the client's Accept-Encoding allows.

Flask-Compress chooses zstd, brotli, gzip or deflate from ``Accept-Encoding`` (none when
the client names none), adds ``Vary: Accept-Encoding``, leaves bodies under 500 bytes and
types that are compressed already (PDF, PNG) alone, and compresses streamed answers (the
exports, static files) as they go.
"""

from __future__ import annotations

from flask import Flask
from flask_compress import Compress

__all__ = ["TEXT_TYPES", "init_app"]

# Every text type Parallax answers with: pages, JSON, scripts, styles, SVG and the exports.
TEXT_TYPES = (
    "text/html",
    "text/css",
    "text/plain",
    "text/csv",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/ld+json",
    "application/xml",
    "image/svg+xml",
)


def init_app(app: Flask) -> None:
    """Compress the app's text answers (one Compress per app: it keeps the app's settings)."""
    app.config.setdefault("COMPRESS_MIMETYPES", list(TEXT_TYPES))
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    app.extensions["compress"] = Compress(app)
