"""Comparisons: the list, the new-comparison form and the side-by-side page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

from annotations import models
from annotations import store
from annotations.align import align_documents
from annotations.errors import AnnotationError
from annotations.errors import InputError
from annotations.fetch import FetchError
from annotations.fetch import fetch_url
from annotations.ingest import MAX_BYTES
from annotations.ingest import ingest_bytes
from annotations.ingest import ingest_text
from annotations.ingest import looks_like_html
from annotations.records import Document
from annotations.records import DocumentMeta
from annotations.records import SourceFormat
from webapp.db import get_session
from webapp.forms import MAX_ARTICLES
from webapp.forms import ArticleForm
from webapp.forms import ComparisonForm
from webapp.rendering import ComparisonView
from webapp.rendering import build_comparison

bp = Blueprint("articles", __name__)

DEFAULT_TAG_SET = "media-literacy"
TAG_SET_KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
DUPLICATE_WINDOW = dt.timedelta(seconds=60)
"""A comparison with the same title and texts made this recently is a double submit."""
_SENTINEL = 987654321


@dataclass(frozen=True, slots=True)
class ComparisonSummary:
    """One row of the comparisons list."""

    comparison: models.Comparison
    documents: tuple[models.Document, ...]
    pairs: int | None
    only_a: int | None
    only_b: int | None


# --- reading -------------------------------------------------------------------------------


def list_comparisons(session: Session) -> list[ComparisonSummary]:
    """Return every comparison, newest first, with its documents and alignment counts.

    A database without the tables (never upgraded) lists nothing rather than failing.
    """
    query = (
        select(models.Comparison)
        .options(
            selectinload(models.Comparison.members).selectinload(
                models.ComparisonDocument.document
            ),
            selectinload(models.Comparison.alignments),
        )
        .order_by(models.Comparison.created_at.desc(), models.Comparison.id.desc())
    )
    try:
        rows = list(session.scalars(query))
    except (OperationalError, ProgrammingError) as exc:
        session.rollback()
        current_app.logger.warning("cannot list comparisons: %s", exc.orig)
        return []
    summaries = []
    for row in rows:
        documents = tuple(row.documents)
        stored = find_alignment(row, documents[0], documents[1]) if len(documents) >= 2 else None
        summaries.append(
            ComparisonSummary(
                comparison=row,
                documents=documents,
                pairs=len(stored.pairs) if stored else None,
                only_a=len(stored.only_a) if stored else None,
                only_b=len(stored.only_b) if stored else None,
            )
        )
    return summaries


def find_comparison_by_title(session: Session, title: str) -> models.Comparison | None:
    """Return the oldest comparison titled ``title``; None also when the tables are missing."""
    try:
        return store.find_comparison_by_title(session, title)
    except (OperationalError, ProgrammingError):
        session.rollback()
        return None


def get_comparison_or_404(session: Session, comparison_id: int) -> models.Comparison:
    """Return the comparison with this id, or answer 404."""
    comparison = session.get(models.Comparison, comparison_id)
    if comparison is None or len(comparison.members) < 2:
        abort(404)
    return comparison


def find_alignment(
    comparison: models.Comparison, a: models.Document, b: models.Document
) -> models.Alignment | None:
    """Return the newest stored alignment of ``a`` with ``b`` (in that order), or None."""
    found = None
    for row in comparison.alignments:
        if row.doc_a_id == a.id and row.doc_b_id == b.id:
            found = row
    return found


def pick_documents(
    comparison: models.Comparison, a_id: int | None, b_id: int | None
) -> tuple[models.Document, models.Document]:
    """Return the two documents to show: those asked for, else the first two."""
    documents = comparison.documents
    by_id = {document.id: document for document in documents}
    a = by_id.get(a_id) if a_id is not None else documents[0]
    if b_id is not None:
        b = by_id.get(b_id)
    else:
        b = next((d for d in documents if a is not None and d.id != a.id), None)
    if a is None or b is None:
        abort(404)
    return a, b


# --- URLs the annotation script needs --------------------------------------------------------


def _api_url(endpoints: Sequence[str], fallback: str, **values: Any) -> str:
    """Return the first endpoint's URL that builds, else ``fallback``."""
    for endpoint in endpoints:
        try:
            return url_for(endpoint, **values)
        except BuildError:
            continue
    return fallback


def reader_attributes(comparison_id: int, tag_set_key: str) -> dict[str, str]:
    """Return the ``data-*`` attributes of ``main#reader`` (the annotation script reads them)."""
    create = _api_url(
        ["api.create_annotation"], "/api/documents/__DOC__/annotations", document_id=_SENTINEL
    ).replace(str(_SENTINEL), "__DOC__")
    return {
        "data-comparison-id": str(comparison_id),
        "data-annotations-url": _api_url(
            ["api.list_comparison_annotations"],
            f"/api/comparisons/{comparison_id}/annotations",
            comparison_id=comparison_id,
        ),
        "data-create-url-template": create,
        "data-annotation-url-template": _api_url(
            ["api.annotation", "api.edit_annotation"],
            "/api/annotations/__ID__",
            public_id="__ID__",
        ),
        "data-tag-set-url": _api_url(
            ["api.tag_set", "api.show_tag_set"],
            f"/api/tag-sets/{tag_set_key}",
            key=tag_set_key,
        ),
        "data-tag-set-key": tag_set_key,
    }


# --- creating --------------------------------------------------------------------------------


def _format_for(content_type: str) -> SourceFormat | None:
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type in ("text/html", "application/xhtml+xml"):
        return "html"
    if media_type in ("text/markdown", "text/x-markdown"):
        return "markdown"
    if media_type == "text/plain":
        return "text"
    return None


def ingest_article(article: ArticleForm) -> Document:
    """Make a Document from one filled article subform; core errors propagate."""
    meta = DocumentMeta(
        outlet=(article.outlet.data or "").strip() or None,
        title=(article.title.data or "").strip() or None,
        url=(article.link.data or "").strip() or None,
        published=article.published.data,
    )
    source = article.sources()[0]
    if source == "text":
        # Browsers send a textarea's line breaks as CRLF; what was pasted had plain LF.
        text = article.text.data.replace("\r\n", "\n")
        return ingest_text(
            text, source_format="html" if looks_like_html(text) else "text", meta=meta
        )
    if source == "file":
        upload = article.file.data
        data = upload.stream.read(MAX_BYTES + 1)
        return ingest_bytes(data, filename=upload.filename or None, meta=meta)
    page = fetch_url(article.url.data.strip())
    if meta.url is None:
        meta = DocumentMeta(meta.outlet, meta.title, page.url, meta.published, meta.language)
    return ingest_bytes(page.body, source_format=_format_for(page.content_type), meta=meta)


def _source_field(article: ArticleForm, exc: AnnotationError) -> Any:
    if isinstance(exc, FetchError):
        return article.url
    return getattr(article, article.sources()[0])


def find_recent_duplicate(
    session: Session, title: str, documents: Sequence[Document]
) -> models.Comparison | None:
    """Return a comparison with this title and these texts made in the last minute, or None."""
    hashes = [store.content_hash(document.text) for document in documents]
    since = models.utcnow() - DUPLICATE_WINDOW
    query = (
        select(models.Comparison)
        .where(models.Comparison.title == title, models.Comparison.created_at >= since)
        .order_by(models.Comparison.id)
    )
    for candidate in session.scalars(query):
        if [document.content_hash for document in candidate.documents] == hashes:
            return candidate
    return None


def create_comparison(session: Session, form: ComparisonForm) -> tuple[models.Comparison, bool]:
    """Store the form's documents, comparison and first alignment; return it and if it is new.

    Nothing is written until every article has been read; the caller commits once.
    Raises ValueError if an article could not be read (its field then holds the error).
    """
    documents = []
    failed = False
    for position, article in form.filled_articles():
        try:
            documents.append(ingest_article(article))
        except InputError as exc:
            _source_field(article, exc).errors.append(f"Article {position + 1}: {exc}")
            failed = True
    if failed:
        raise ValueError("an article could not be read")
    title = form.title.data.strip()
    duplicate = find_recent_duplicate(session, title, documents)
    if duplicate is not None:
        return duplicate, False
    rows = [store.add_document(session, document) for document in documents]
    description = (form.description.data or "").strip() or None
    comparison = store.add_comparison(session, title, rows, description=description)
    alignment = align_documents(documents[0], documents[1])
    store.save_alignment(session, comparison, rows[0], rows[1], alignment)
    return comparison, True


# --- views -----------------------------------------------------------------------------------


@bp.get("/comparisons")
def index() -> str:
    """List every comparison with its documents and counts."""
    return render_template(
        "articles/list.html", comparisons=list_comparisons(get_session()), seed=None
    )


@bp.route("/comparisons/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    """Show the new-comparison form; on a valid POST store it and show the comparison."""
    form = ComparisonForm()
    if form.validate_on_submit():
        session = get_session()
        try:
            comparison, created = create_comparison(session, form)
        except ValueError:
            session.rollback()
        else:
            session.commit()
            if created:
                flash(f"Created the comparison \u201c{comparison.title}\u201d.", "success")
            else:
                flash("This comparison was created a moment ago; here it is.", "info")
            return redirect(url_for("articles.show", comparison_id=comparison.id))
    while len(form.articles) < MAX_ARTICLES:
        form.articles.append_entry()
    status = 422 if form.is_submitted() else 200
    return render_template("articles/new.html", form=form), status


@bp.get("/comparisons/<int:comparison_id>")
def show(comparison_id: int) -> str | Response:
    """Show two documents of a comparison side by side, with their stored alignment."""
    session = get_session()
    comparison = get_comparison_or_404(session, comparison_id)
    a_row, b_row = pick_documents(
        comparison, request.args.get("a", type=int), request.args.get("b", type=int)
    )
    if a_row.id == b_row.id:
        flash("Pick two different articles to compare.", "error")
        return redirect(url_for("articles.show", comparison_id=comparison.id))
    a, b = store.get_document_record(a_row), store.get_document_record(b_row)
    stored = find_alignment(comparison, a_row, b_row)
    if stored is None:
        alignment = align_documents(a, b)
        store.save_alignment(session, comparison, a_row, b_row, alignment)
        session.commit()
    else:
        alignment = store.load_alignment(stored)
    view: ComparisonView = build_comparison(
        comparison.title, a, b, alignment=alignment, document_ids=(a_row.id, b_row.id)
    )
    key = request.args.get("tagset", DEFAULT_TAG_SET)
    if not TAG_SET_KEY.fullmatch(key) or len(key) > 100:
        key = DEFAULT_TAG_SET
    return render_template(
        "articles/show.html",
        comparison=view,
        record=comparison,
        shown=(a_row, b_row),
        reader=reader_attributes(comparison.id, key),
    )
