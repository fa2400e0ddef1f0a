"""Comparisons: list, create and read them side by side (blueprint "articles")."""

from __future__ import annotations

from webapp.articles.views import bp
from webapp.articles.views import find_comparison_by_title
from webapp.articles.views import list_comparisons

__all__ = ["bp", "find_comparison_by_title", "list_comparisons"]
