"""Report pages: what a comparison's or an exercise's annotations add up to, on screen,
on paper (print layout) and as a PDF."""

from __future__ import annotations

import re

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue

from annotations.storage import models
from webapp.articles.views import get_comparison_or_404
from webapp.articles.views import pick_documents
from webapp.auth import teacher_required
from webapp.db import get_session
from webapp.exercises.access import get_exercise_or_404
from webapp.reports.data import ReportData
from webapp.reports.data import comparison_report
from webapp.reports.data import exercise_report
from webapp.reports.pdf import PdfUnavailable
from webapp.reports.pdf import render_pdf

bp = Blueprint("reports", __name__)


def _comparison_data(comparison_id: int) -> ReportData | Response:
    session = get_session()
    comparison = get_comparison_or_404(session, comparison_id)
    a_row, b_row = pick_documents(
        comparison, request.args.get("a", type=int), request.args.get("b", type=int)
    )
    if a_row.id == b_row.id:
        flash("Pick two different articles to compare.", "error")
        return redirect(url_for("reports.comparison", comparison_id=comparison.id))
    fallback = current_app.config["DEFAULT_AUTHOR"]
    return comparison_report(session, comparison, a_row, b_row, fallback_author=fallback)


def _query() -> str:
    query = request.query_string.decode("ascii", "replace")
    return f"?{query}" if query else ""


def _pdf(html: str, stem: str) -> Response:
    name = re.sub(r"[^A-Za-z0-9]+", "-", stem).strip("-").lower() or "report"
    assert current_app.static_folder is not None
    try:
        pdf = render_pdf(
            html,
            static_folder=current_app.static_folder,
            static_path=current_app.static_url_path or "/static",
        )
    except PdfUnavailable as error:
        current_app.logger.error("The PDF report cannot be made: %s", error)
        flash(
            "This server cannot make PDFs: WeasyPrint needs the Pango library "
            "(on Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0). "
            "Print this page instead: it has a layout for paper.",
            "error",
        )
        return redirect(request.path.removesuffix(".pdf") + _query())
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}-report.pdf"'},
    )


def _comparison_page(comparison_id: int, data: ReportData) -> str:
    shown = {"a": data.sources[0].id, "b": data.sources[1].id}
    return render_template(
        "reports/show.html",
        data=data,
        back_url=url_for("articles.show", comparison_id=comparison_id, **shown),
        pdf_url=url_for("reports.comparison_pdf", comparison_id=comparison_id, **shown),
    )


def _exercise_page(row: models.Exercise) -> str:
    return render_template(
        "reports/show.html",
        data=exercise_report(get_session(), row),
        exercise=row,
        back_url=url_for("exercises.dashboard", exercise_id=row.id),
        pdf_url=url_for("reports.exercise_pdf", exercise_id=row.id),
    )


@bp.get("/comparisons/<int:comparison_id>/report")
def comparison(comparison_id: int) -> ResponseReturnValue:
    """The report of a comparison's annotations (those made outside exercises)."""
    data = _comparison_data(comparison_id)
    if isinstance(data, Response):
        return data
    return _comparison_page(comparison_id, data)


@bp.get("/comparisons/<int:comparison_id>/report.pdf")
def comparison_pdf(comparison_id: int) -> ResponseReturnValue:
    """The same report as a PDF: the page's own HTML, laid out by its print stylesheet."""
    data = _comparison_data(comparison_id)
    if isinstance(data, Response):
        return data
    return _pdf(_comparison_page(comparison_id, data), data.title)


@bp.get("/exercises/<int:exercise_id>/report")
@teacher_required
def exercise(exercise_id: int) -> str:
    """The report of an exercise: the students' tags, agreement and the class against the key."""
    return _exercise_page(get_exercise_or_404(get_session(), exercise_id, manage=True))


@bp.get("/exercises/<int:exercise_id>/report.pdf")
@teacher_required
def exercise_pdf(exercise_id: int) -> Response:
    """The exercise's report as a PDF, from the same template as the page."""
    row = get_exercise_or_404(get_session(), exercise_id, manage=True)
    return _pdf(_exercise_page(row), row.title)
