"""Accounts on the web: first-run setup, sign in and out, who may change what (blueprint "auth")."""

from __future__ import annotations

from webapp.auth.access import annotator_required
from webapp.auth.access import init_app
from webapp.auth.access import teacher_required
from webapp.auth.views import bp

__all__ = ["annotator_required", "bp", "init_app", "teacher_required"]
