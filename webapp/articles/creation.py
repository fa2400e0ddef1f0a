"""Create a comparison from the new-comparison form: read each article, refuse double submits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotations.errors import AnnotationError
from annotations.errors import InputError
from annotations.records import Document
from annotations.records import DocumentMeta
from annotations.records import SourceFormat
from annotations.storage import comparisons
from annotations.storage import models
from annotations.text.align import align_documents
from annotations.text.fetch import FetchError
from annotations.text.fetch import fetch_url
from annotations.text.ingest import MAX_BYTES
from annotations.text.ingest import ingest_bytes
from annotations.text.ingest import ingest_text
from annotations.text.ingest import looks_like_html
from webapp.articles import uploads
from webapp.articles.forms import ArticleForm
from webapp.articles.forms import ComparisonForm
from webapp.budget import work_budget

DUPLICATE_WINDOW = dt.timedelta(seconds=60)
"""A comparison with the same title and texts made this recently is a double submit."""


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
    hashes = [comparisons.content_hash(document.text) for document in documents]
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
            with work_budget(f"Reading article {position + 1}"):
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
    rows = [comparisons.add_document(session, document) for document in documents]
    description = (form.description.data or "").strip() or None
    comparison = comparisons.add_comparison(session, title, rows, description=description)
    with work_budget("Aligning the articles"):
        alignment = align_documents(documents[0], documents[1])
    comparisons.save_alignment(session, comparison, rows[0], rows[1], alignment)
    return comparison, True


def restore_kept_uploads(form: ComparisonForm, owner: str) -> None:
    """Give each article the file kept from the last submit, unless replaced or dropped.

    A new file replaces the kept one; "Don't use this file" drops it; a token whose file has
    expired (or is someone else's) says so on the file field instead of vanishing quietly.
    """
    for entry in form.articles.entries:
        article: Any = entry.form
        token = (article.kept.data or "").strip()
        article.kept.data = ""
        if not token:
            continue
        if article.file.data or article.forget.data:
            uploads.discard(token)
            article.forget.data = False
            continue
        kept = uploads.load(token, owner)
        if kept is None:
            # Validation starts from process_errors, so the message outlives validate().
            article.file.process_errors.append(
                "The file you chose before is no longer kept (files are kept for an hour): "
                "please choose it again."
            )
            continue
        article.file.data = kept.as_file()
        article.kept.data = kept.token
        article.kept_upload = kept


def keep_uploads(form: ComparisonForm, owner: str) -> None:
    """Keep every article's valid uploaded file, so that the form shown again still has it."""
    for entry in form.articles.entries:
        article: Any = entry.form
        if article.kept_upload is not None or not article.file.data or article.file.errors:
            continue
        kept = uploads.keep(article.file.data, owner)
        if kept is not None:
            article.kept.data = kept.token
            article.kept_upload = kept


def discard_kept_uploads(form: ComparisonForm) -> None:
    """Remove the files kept for this form once the comparison is made."""
    for entry in form.articles.entries:
        if entry.form.kept_upload is not None:
            uploads.discard(entry.form.kept_upload.token)
