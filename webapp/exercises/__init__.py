"""Classroom exercises on the web: teachers' pages, joining, students' pages, their JSON."""

from __future__ import annotations

from webapp.exercises import student  # noqa: F401  (adds the student routes to bp)
from webapp.exercises.api import bp as api_bp
from webapp.exercises.views import bp

__all__ = ["api_bp", "bp"]
