"""Exports (CSV, Parallax JSON, W3C JSON-LD, alignments) and the annotation import form."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from collections.abc import Iterator
from typing import Any
from typing import Final

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import render_template
from flask import request
from flask import stream_with_context
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed
from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from sqlalchemy.orm import Session

from annotations.errors import ImportFormatError
from annotations.exchange import exporting
from annotations.exchange import importing
from annotations.exchange import inbound
from annotations.exchange import outbound
from annotations.records import Alignment
from annotations.records import AnnotationRecord
from annotations.records import Document
from annotations.storage import comparisons
from annotations.storage import models
from annotations.text.align import align_documents
from webapp.articles.views import find_alignment
from webapp.articles.views import get_comparison_or_404
from webapp.articles.views import pick_documents
from webapp.auth import teacher_required
from webapp.db import get_session
from webapp.db import transaction
from webapp.exercises.access import get_exercise_or_404

bp = Blueprint("transfer", __name__)

CONTENT_TYPES: Final = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "jsonld": 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
}


class ImportForm(FlaskForm):
    """Upload a Parallax JSON or W3C JSON-LD file of annotations."""

    file = FileField(
        "Annotations file",
        validators=[
            FileRequired("Choose a file to import."),
            FileAllowed(("json", "jsonld"), "Upload a .json or .jsonld file."),
        ],
    )


# --- exports ---------------------------------------------------------------------------------


def export_chunks(
    fmt: str,
    records: Iterable[AnnotationRecord],
    *,
    meta: dict[str, Any],
    label: str,
    url: str,
    base_url: str,
) -> Iterator[str]:
    """Return the text chunks of an export of ``records`` in ``fmt`` (csv, json or jsonld)."""
    if fmt == "csv":
        return exporting.iter_csv(records)
    if fmt == "json":
        return exporting.iter_json(records, meta=meta)
    return exporting.iter_w3c(records, collection_id=url, base_url=base_url, label=label)


def streamed(chunks: Iterable[str], content_type: str, filename: str) -> Response:
    """Return a response that sends ``chunks`` as UTF-8 while they are made, as a download."""
    body = stream_with_context(chunk.encode("utf-8") for chunk in chunks)
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def streamed_export(
    fmt: str, filename: str, filters: dict[str, Any], *, meta: dict[str, Any], label: str, url: str
) -> Response:
    """Return the streamed download of the annotations that ``filters`` pick, in ``fmt``."""
    base_url = request.url_root

    def chunks() -> Iterator[str]:
        # The request's teardown has closed the view's session by the time the body is sent;
        # stream_with_context pushes the context again, so this session is the body's own
        # and is closed when the last chunk has gone.
        records = outbound.iter_records(get_session(), **filters)
        yield from export_chunks(fmt, records, meta=meta, label=label, url=url, base_url=base_url)

    return streamed(chunks(), CONTENT_TYPES[fmt], filename)


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _check_format(fmt: str) -> None:
    if fmt not in CONTENT_TYPES:
        abort(404, f"no export format {fmt!r}: use csv, json or jsonld")


@bp.get("/comparisons/<int:comparison_id>/export.<fmt>")
@teacher_required
def export_comparison(comparison_id: int, fmt: str) -> Response:
    """Download the comparison's annotations (never the work of classroom exercises)."""
    _check_format(fmt)
    comparison = get_comparison_or_404(get_session(), comparison_id)
    return streamed_export(
        fmt,
        f"parallax-comparison-{comparison.id}-annotations.{fmt}",
        {"comparison_id": comparison.id, "outside_exercises": True},
        meta={
            "exported": _now(),
            "comparison_id": comparison.id,
            "comparison_title": comparison.title,
        },
        label=f"Annotations of {comparison.title}",
        url=url_for(".export_comparison", comparison_id=comparison.id, fmt=fmt, _external=True),
    )


@bp.get("/exercises/<int:exercise_id>/export.<fmt>")
def export_exercise(exercise_id: int, fmt: str) -> Response:
    """Download an exercise's annotations, the key and every student's (its teacher only)."""
    _check_format(fmt)
    exercise = get_exercise_or_404(get_session(), exercise_id, manage=True)
    return streamed_export(
        fmt,
        f"parallax-exercise-{exercise.id}-annotations.{fmt}",
        {"exercise_id": exercise.id},
        meta={
            "exported": _now(),
            "comparison_id": exercise.comparison_id,
            "exercise_id": exercise.id,
            "exercise_title": exercise.title,
        },
        label=f"Annotations of the exercise {exercise.title}",
        url=url_for(".export_exercise", exercise_id=exercise.id, fmt=fmt, _external=True),
    )


def stored_alignment(
    session: Session,
    comparison: models.Comparison,
    a: models.Document,
    b: models.Document,
) -> Alignment:
    """Return the stored alignment of ``a`` with ``b``, aligning them once (as the page does)."""
    row = find_alignment(comparison, a, b)
    if row is not None:
        return comparisons.load_alignment(row)
    alignment = align_documents(
        comparisons.get_document_record(a), comparisons.get_document_record(b)
    )
    with transaction():
        comparisons.save_alignment(session, comparison, a, b, alignment)
    return alignment


def _shown_alignment(comparison_id: int) -> tuple[Alignment, Document, Document, str]:
    session = get_session()
    comparison = get_comparison_or_404(session, comparison_id)
    a_row, b_row = pick_documents(
        comparison, request.args.get("a", type=int), request.args.get("b", type=int)
    )
    if a_row.id == b_row.id:
        abort(404, "an alignment needs two different documents")
    alignment = stored_alignment(session, comparison, a_row, b_row)
    a, b = comparisons.get_document_record(a_row), comparisons.get_document_record(b_row)
    stem = f"parallax-comparison-{comparison.id}-alignment-{a_row.id}-{b_row.id}"
    return alignment, a, b, stem


@bp.get("/comparisons/<int:comparison_id>/alignment.json")
def alignment_json(comparison_id: int) -> Response:
    """Download the alignment of the two shown documents as ``parallax align --json`` prints it."""
    alignment, a, b, stem = _shown_alignment(comparison_id)
    payload = exporting.alignment_to_json(alignment, a, b)
    body = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    response = Response(body.encode("utf-8"), content_type="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{stem}.json"'
    return response


@bp.get("/comparisons/<int:comparison_id>/alignment.csv")
def alignment_csv(comparison_id: int) -> Response:
    """Download the alignment of the two shown documents as CSV."""
    alignment, a, b, stem = _shown_alignment(comparison_id)
    chunks = exporting.iter_alignment_csv(alignment, a, b)
    return streamed(chunks, CONTENT_TYPES["csv"], f"{stem}.csv")


# --- import ----------------------------------------------------------------------------------


def importer_name() -> str:
    """Return the name of the user imported annotations belong to: the teacher's."""
    if current_user.is_authenticated:
        return str(current_user.name)
    return "Imported"


def importer_id() -> int | None:
    """Return the signed-in user, who owns what they import (None with sign-in off)."""
    return int(current_user.id) if current_user.is_authenticated else None


@bp.route("/comparisons/<int:comparison_id>/import", methods=["GET", "POST"])
@teacher_required
def import_annotations(comparison_id: int) -> ResponseReturnValue:
    """Show the import form; on POST import the file all or nothing and show the report."""
    session = get_session()
    comparison = get_comparison_or_404(session, comparison_id)
    form = ImportForm()
    limit = int(current_app.config["IMPORT_MAX_BYTES"])
    report: inbound.ImportReport | None = None
    if form.validate_on_submit():
        # Read while it is stored, a chunk at a time: memory does not grow with the file.
        reader = importing.AnnotationReader(form.file.data.stream, max_bytes=limit)
        try:
            with transaction():
                report = inbound.import_records(
                    session,
                    reader,
                    comparison_id=comparison.id,
                    author_fallback=importer_name(),
                    author_id=importer_id(),
                )
                if not report.is_clean:
                    # All or nothing: a file with an item it cannot import keeps none of it.
                    session.rollback()
        except ImportFormatError as exc:
            report = None
            form.file.errors = [f"This file cannot be imported: {exc}."]
    status = 422 if form.is_submitted() and (report is None or not report.is_clean) else 200
    return render_template(
        "transfer/import.html",
        form=form,
        comparison=comparison,
        report=report,
        limit_mb=limit // (1024 * 1024),
    ), status
