"""Comparison pages: the list, the new-comparison form and the side-by-side reading page."""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session as session_cookie
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from annotations.records import Alignment
from annotations.records import Document
from annotations.storage import comparisons
from annotations.storage import models
from annotations.storage import tagsets
from annotations.text.align import align_documents
from webapp.articles.creation import create_comparison
from webapp.articles.creation import discard_kept_uploads
from webapp.articles.creation import keep_uploads
from webapp.articles.creation import restore_kept_uploads
from webapp.articles.forms import MAX_ARTICLES
from webapp.articles.forms import ComparisonForm
from webapp.auth import teacher_required
from webapp.db import get_session
from webapp.db import transaction
from webapp.rendering import ComparisonView
from webapp.rendering import build_comparison

bp = Blueprint("articles", __name__)
DEFAULT_TAG_SET = "media-literacy"
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
        return comparisons.find_comparison_by_title(session, title)
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


def reader_attributes(
    comparison_id: int, tag_set_key: str, shown: Sequence[models.Document] = ()
) -> dict[str, str]:
    """Return the ``data-*`` attributes of ``main#reader`` (the annotation script reads them).

    The annotation list leaves out the quotes of the ``shown`` documents: the script cuts
    them from the text on the page.
    """
    return {
        "data-comparison-id": str(comparison_id),
        # Whose tags not saved yet this browser keeps: on a shared computer, each person's own.
        "data-user-key": str(current_user.id) if current_user.is_authenticated else "anyone",
        "data-annotations-url": url_for(
            "api.list_comparison_annotations",
            comparison_id=comparison_id,
            documents=shown_documents(shown),
        ),
        "data-create-url-template": url_for("api.create_annotation", document_id=_SENTINEL).replace(
            str(_SENTINEL), "__DOC__"
        ),
        "data-annotation-url-template": url_for("api.edit_annotation", public_id="__ID__"),
        "data-tag-set-url": url_for("api.show_tag_set", key=tag_set_key),
        "data-tag-set-key": tag_set_key,
    }


def shown_documents(shown: Sequence[models.Document]) -> str | None:
    """Return the ``documents`` of an annotation list's URL for a page that shows ``shown``."""
    return ",".join(str(row.id) for row in shown) or None


def alignment_for(
    session: Session, comparison: models.Comparison, a_row: models.Document, b_row: models.Document
) -> tuple[Document, Document, Alignment]:
    """Return two documents as records with their alignment, aligning (and storing) it once."""
    a, b = comparisons.get_document_record(a_row), comparisons.get_document_record(b_row)
    stored = find_alignment(comparison, a_row, b_row)
    if stored is None:
        alignment = align_documents(a, b)
        with transaction():
            comparisons.save_alignment(session, comparison, a_row, b_row, alignment)
    else:
        alignment = comparisons.load_alignment(stored)
    return a, b, alignment


# Reading pages of stored alignments kept ready, per app: stored documents and alignments
# never change, and building the view from them is a fifth of the page's time. Only
# articles of news length, so that a few kept views stay small.
_VIEWS_KEPT = 8
_VIEW_TEXT_LIMIT = 200_000


@dataclass
class _KeptViews:
    views: OrderedDict[tuple[object, ...], ComparisonView] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def comparison_view(
    session: Session, comparison: models.Comparison, a_row: models.Document, b_row: models.Document
) -> ComparisonView:
    """Return what the reading page shows of two documents, aligning them once if need be."""
    stored = find_alignment(comparison, a_row, b_row)
    kept: _KeptViews = current_app.extensions.setdefault("parallax.views", _KeptViews())
    key: tuple[object, ...] | None = None
    if stored is not None and len(a_row.text) + len(b_row.text) <= _VIEW_TEXT_LIMIT:
        key = (comparison.id, comparison.title, a_row.content_hash, b_row.content_hash)
        key += (a_row.id, b_row.id, stored.id, stored.created_at)
        with kept.lock:
            view = kept.views.get(key)
            if view is not None:
                kept.views.move_to_end(key)
                return view
    a, b, alignment = alignment_for(session, comparison, a_row, b_row)
    view = build_comparison(
        comparison.title, a, b, alignment=alignment, document_ids=(a_row.id, b_row.id)
    )
    if key is not None:
        with kept.lock:
            kept.views[key] = view
            while len(kept.views) > _VIEWS_KEPT:
                kept.views.popitem(last=False)
    return view


# --- views -----------------------------------------------------------------------------------


@bp.get("/comparisons")
def index() -> str:
    """List every comparison with its documents and counts."""
    return render_template(
        "articles/list.html", comparisons=list_comparisons(get_session()), seed=None
    )


def _upload_owner() -> str:
    """Name who may use a kept upload: the signed-in user in this browser session."""
    if "upload_owner" not in session_cookie:
        session_cookie["upload_owner"] = secrets.token_urlsafe(16)
    user = current_user.get_id() if current_user.is_authenticated else ""
    return f"{user or 'anonymous'}:{session_cookie['upload_owner']}"


@bp.route("/comparisons/new", methods=["GET", "POST"])
@teacher_required
def new() -> ResponseReturnValue:
    """Show the new-comparison form; on a valid POST store it and show the comparison."""
    form = ComparisonForm()
    owner = _upload_owner()
    if form.is_submitted():
        restore_kept_uploads(form, owner)
    if form.validate_on_submit():
        try:
            with transaction() as session:
                comparison, created = create_comparison(session, form)
        except ValueError:
            pass
        else:
            discard_kept_uploads(form)
            if created:
                flash(f"Created the comparison \u201c{comparison.title}\u201d.", "success")
            else:
                flash("This comparison was created a moment ago; here it is.", "info")
            return redirect(url_for("articles.show", comparison_id=comparison.id))
    if form.is_submitted():
        keep_uploads(form, owner)
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
    view = comparison_view(session, comparison, a_row, b_row)
    tag_sets = tagsets.list_tag_sets(session)
    known = {tag_set.key for tag_set in tag_sets}
    key = request.args.get("tagset", DEFAULT_TAG_SET)
    if key not in known:
        if "tagset" in request.args:
            flash("That tag set does not exist; showing the default one.", "error")
        key = DEFAULT_TAG_SET
    # Imported here: webapp.suggestions needs webapp.exercises, whose views import this module.
    from webapp import suggestions

    reader = reader_attributes(comparison.id, key, (a_row, b_row))
    if suggestions.may_suggest_outside_exercises():
        reader |= suggestions.reader_attributes(comparison.id)
    return render_template(
        "articles/show.html",
        comparison=view,
        record=comparison,
        shown=(a_row, b_row),
        tag_sets=tag_sets,
        tag_set_key=key,
        reader=reader,
    )
