"""Tag set pages: list, view, copy, create, edit, import and export (blueprint "tagsets")."""

from __future__ import annotations

from webapp.tagsets.views import bp

__all__ = ["bp"]
