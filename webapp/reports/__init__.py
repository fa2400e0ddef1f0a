"""Reports: tallies, charts and agreement for a comparison or an exercise (blueprint "reports")."""

from __future__ import annotations

from webapp.reports.views import bp

__all__ = ["bp"]
