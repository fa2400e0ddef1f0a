"""Suggestions stored as annotations: proposed, then accepted or rejected by the person.

A suggestion is an annotation row with status ``suggested``, authored by the user who asked
for it, with its reason, score and source in the ``suggestion_*`` columns. Accepting it
sets status ``accepted``: it is then that user's annotation like any other (it counts in
lists, keys and grades). Rejecting it sets status ``rejected``: it stays for the record
(exports, the report's tallies, and learning) and keeps the same suggestion out of that
document. Lists, keys and grades leave ``suggested`` and ``rejected`` rows out (see
``listing.COUNTED_STATUSES``).

A suggestion's public id is a UUID made from where it is (scope, user, document, span, tag),
so asking twice, or two requests at once, store each suggestion once: the second insert
meets the unique public id. Every function takes the caller's Session and never commits.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from annotations.errors import AnnotationError
from annotations.errors import AnnotationNotFoundError
from annotations.errors import UnknownTagError
from annotations.framing.learning import PastTag
from annotations.framing.learning import drop_settled
from annotations.framing.learning import merge_suggestions
from annotations.framing.learning import suggest_learned
from annotations.framing.taxonomy import TagSet
from annotations.records import Alignment
from annotations.records import Document
from annotations.records import Suggestion
from annotations.storage import models
from annotations.storage.comparisons import get_document_record
from annotations.storage.comparisons import load_alignment
from annotations.storage.saving import check_version
from annotations.storage.saving import find_annotation
from annotations.storage.tagsets import tag_set_record
from annotations.text.anchor import context_of

__all__ = [
    "REVIEW_STATUSES",
    "RuleSuggester",
    "Scope",
    "SuggestionTally",
    "list_suggestions",
    "past_tags",
    "propose_suggestions",
    "review_suggestion",
    "suggestion_public_id",
    "suggestion_tallies",
]

RuleSuggester = Callable[[Sequence[Document], TagSet, Alignment | None], list[Suggestion]]
"""The rule-based suggester's shape: documents, tag set, their alignment -> suggestions."""

REVIEW_STATUSES: Final = ("suggested", "accepted", "rejected")
"""The statuses a suggestion moves between; ``suggested`` again is an undo."""

# How many of the person's past tags learning reads, newest first.
_MAX_PAST: Final = 5000
_NAMESPACE: Final = uuid.UUID("6f1d3c52-8a0e-4b9a-9d57-0c2f4e7b8a11")


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose suggestions, where: a user on two documents of a comparison (or an exercise)."""

    comparison_id: int
    document_ids: tuple[int, ...]
    tag_set_id: int
    user_id: int
    exercise_id: int | None = None


@dataclass(frozen=True, slots=True)
class SuggestionTally:
    """How a tag's suggestions fared: still pending, accepted, rejected."""

    tag: str
    name: str
    suggested: int
    accepted: int
    rejected: int


def suggestion_public_id(scope: Scope, document_id: int, start: int, end: int, tag: str) -> str:
    """Return the public id of a suggestion: the same place and tag give the same id."""
    exercise = scope.exercise_id if scope.exercise_id is not None else "-"
    name = f"{scope.comparison_id}/{exercise}/{scope.user_id}/{document_id}/{start}/{end}/{tag}"
    return str(uuid.uuid5(_NAMESPACE, name))


def _in_scope(row: models.Annotation, scope: Scope) -> bool:
    if row.comparison_id != scope.comparison_id or row.exercise_id != scope.exercise_id:
        return False
    # In an exercise each person sees only their own work.
    return scope.exercise_id is None or row.author_id == scope.user_id


def past_tags(session: Session, scope: Scope) -> tuple[list[PastTag], list[PastTag]]:
    """Return what learning reads and what settles a suggestion, as two lists.

    The first holds the user's own tags, accepted and rejected suggestions with this tag
    set, anywhere (newest first, at most a few thousand); the second every annotation with
    this tag set already on these documents where the user works (the comparison, or their
    own work in the exercise), whoever made it, and the user's own rejections on these
    documents wherever they were made. Both carry the document's index when it is one of
    the scope's documents in the scope (a rejection: anywhere).
    """
    tag_rows = select(models.AnnotationTag.annotation_id).join(
        models.Tag, models.Tag.id == models.AnnotationTag.tag_id
    )
    in_set = models.Annotation.id.in_(tag_rows.where(models.Tag.tag_set_id == scope.tag_set_id))
    load = (
        selectinload(models.Annotation.tags),
        selectinload(models.Annotation.comparison),
    )
    live = models.Annotation.deleted_at.is_(None)
    own = session.scalars(
        select(models.Annotation)
        .where(live, in_set, models.Annotation.author_id == scope.user_id)
        .options(*load)
        .order_by(models.Annotation.id.desc())
        .limit(_MAX_PAST)
    ).all()
    here_query = select(models.Annotation).where(
        live,
        in_set,
        models.Annotation.comparison_id == scope.comparison_id,
        models.Annotation.document_id.in_(scope.document_ids),
    )
    if scope.exercise_id is None:
        here_query = here_query.where(models.Annotation.exercise_id.is_(None))
    else:
        here_query = here_query.where(
            models.Annotation.exercise_id == scope.exercise_id,
            models.Annotation.author_id == scope.user_id,
        )
    here = session.scalars(here_query.options(*load)).all()
    index = {document_id: n for n, document_id in enumerate(scope.document_ids)}

    def as_past(row: models.Annotation) -> list[PastTag]:
        title = row.comparison.title if row.comparison is not None else None
        where = f"'{title}'" if title else "an earlier article"
        # The user's rejection holds for the document wherever it was made.
        placed = row.document_id in index and (_in_scope(row, scope) or row.status == "rejected")
        return [
            PastTag(
                quote=row.quote,
                tag=tag.key,
                status=row.status,
                where=where,
                document=index[row.document_id] if placed else None,
                start=row.start,
                end=row.end,
            )
            for tag in row.tags
            if tag.tag_set_id == scope.tag_set_id
        ]

    learn = [past for row in own for past in as_past(row)]
    settle = [past for row in here for past in as_past(row)]
    seen = {row.id for row in here}
    settle += [
        past
        for row in own
        if row.status == "rejected" and row.id not in seen
        for past in as_past(row)
        if past.document is not None
    ]
    return learn, settle


def _scope_rows(session: Session, scope: Scope) -> list[models.Annotation]:
    query = (
        select(models.Annotation)
        .where(
            models.Annotation.comparison_id == scope.comparison_id,
            models.Annotation.author_id == scope.user_id,
            models.Annotation.document_id.in_(scope.document_ids),
            models.Annotation.status == "suggested",
            models.Annotation.deleted_at.is_(None),
        )
        .options(selectinload(models.Annotation.tags).selectinload(models.Tag.tag_set))
        .order_by(models.Annotation.document_id, models.Annotation.start, models.Annotation.id)
    )
    if scope.exercise_id is None:
        query = query.where(models.Annotation.exercise_id.is_(None))
    else:
        query = query.where(models.Annotation.exercise_id == scope.exercise_id)
    rows = session.scalars(query).all()
    return [row for row in rows if any(tag.tag_set_id == scope.tag_set_id for tag in row.tags)]


def list_suggestions(session: Session, scope: Scope) -> list[models.Annotation]:
    """Return the scope's pending suggestions (status ``suggested``) in text order."""
    order = {document_id: n for n, document_id in enumerate(scope.document_ids)}
    rows = _scope_rows(session, scope)
    return sorted(rows, key=lambda row: (order[row.document_id], row.start, row.end, row.id))


def propose_suggestions(
    session: Session, scope: Scope, *, rules: RuleSuggester | None = None
) -> list[models.Annotation]:
    """Find, store and return the scope's suggestions (those stored before included).

    The rule suggester's (when given) and the learned ones are merged (overlaps of one tag
    keep the surest), those an annotation of the scope settles are dropped (see
    :func:`annotations.framing.learning.drop_settled`), and the rest stored as annotations
    with status ``suggested``. A suggestion stored before, in any status, is not stored
    again. The alignment of the two documents, when stored, goes to the rule suggester.
    """
    rows = [session.get(models.Document, document_id) for document_id in scope.document_ids]
    documents = [row for row in rows if row is not None]
    if len(documents) != len(scope.document_ids):
        raise AnnotationNotFoundError("no such document in this comparison", field="documents")
    tag_set_row = session.get(models.TagSet, scope.tag_set_id)
    if tag_set_row is None:
        raise UnknownTagError("no such tag set", field="tag_set")
    tags = {tag.key: tag for tag in tag_set_row.tags}
    records = [get_document_record(row) for row in documents]
    tag_set = tag_set_record(tag_set_row)
    learn, settle = past_tags(session, scope)
    language = documents[0].language or "en"
    found = suggest_learned(records, tag_set, learn, language=language)
    if rules is not None:
        found += [s for s in rules(records, tag_set, _alignment(session, scope)) if s.tag in tags]
    fresh = drop_settled(merge_suggestions(found), settle, language=language)
    ids = {
        suggestion_public_id(scope, documents[s.document].id, s.start, s.end, s.tag): s
        for s in fresh
    }
    stored = set(
        session.scalars(
            select(models.Annotation.public_id).where(models.Annotation.public_id.in_(list(ids)))
        )
    )
    for public_id, suggestion in ids.items():
        if public_id in stored:
            continue
        document = documents[suggestion.document]
        prefix, suffix = context_of(document.text, suggestion.start, suggestion.end)
        session.add(
            models.Annotation(
                public_id=public_id,
                document_id=document.id,
                comparison_id=scope.comparison_id,
                exercise_id=scope.exercise_id,
                start=suggestion.start,
                end=suggestion.end,
                quote=suggestion.quote,
                prefix=prefix,
                suffix=suffix,
                note="",
                author_id=scope.user_id,
                status="suggested",
                suggestion_reason=suggestion.reason,
                suggestion_score=suggestion.score,
                suggestion_source=suggestion.source,
                tags=[tags[suggestion.tag]],
            )
        )
    session.flush()
    return list_suggestions(session, scope)


def _alignment(session: Session, scope: Scope) -> Alignment | None:
    if len(scope.document_ids) != 2:
        return None
    a, b = scope.document_ids
    row = session.scalars(
        select(models.Alignment)
        .where(
            models.Alignment.comparison_id == scope.comparison_id,
            models.Alignment.doc_a_id == a,
            models.Alignment.doc_b_id == b,
        )
        .order_by(models.Alignment.id.desc())
    ).first()
    return load_alignment(row) if row is not None else None


def review_suggestion(
    session: Session, public_id: str, status: str, *, version: int | None = None
) -> models.Annotation:
    """Set a suggestion's status (accepted, rejected, or suggested again to undo); return it.

    Setting the status it has changes nothing, so a second click or a resent request is
    harmless. Only suggestions are reviewed: a person's own tag raises AnnotationError.
    With ``version``, a stale one raises StaleVersionError, as for edits.
    """
    if status not in REVIEW_STATUSES:
        raise AnnotationError(
            f"expected one of {', '.join(REVIEW_STATUSES)}, got {status!r}", field="status"
        )
    row = find_annotation(session, public_id)
    if row is None or row.deleted_at is not None:
        raise AnnotationNotFoundError(f"no suggestion has the id {public_id!r}")
    # An imported suggestion has a status but no source: it is reviewed like any other.
    if row.suggestion_source is None and row.status not in REVIEW_STATUSES:
        raise AnnotationError("this annotation is not a suggestion", field="status")
    if row.status == status:
        return row
    check_version(row, version)
    row.status = status  # type: ignore[assignment]  # checked against REVIEW_STATUSES
    row.updated_at = models.utcnow()
    session.flush()
    return row


def suggestion_tallies(
    session: Session,
    *,
    comparison_id: int,
    exercise_id: int | None = None,
    document_ids: Sequence[int] | None = None,
) -> list[SuggestionTally]:
    """Return, per tag that had suggestions, how many are pending, accepted and rejected.

    Outside exercises unless ``exercise_id`` is given (then everyone's in it: the key's and
    the students'); on ``document_ids`` only when given; in tag order, by tag set. A
    suggestion is any annotation whose status is not ``human``, imported ones included.
    """
    query = (
        select(models.Annotation.status, models.Tag.key, models.Tag.name)
        .join(models.AnnotationTag, models.AnnotationTag.annotation_id == models.Annotation.id)
        .join(models.Tag, models.Tag.id == models.AnnotationTag.tag_id)
        .where(
            models.Annotation.comparison_id == comparison_id,
            models.Annotation.status.in_(REVIEW_STATUSES),
            models.Annotation.deleted_at.is_(None),
        )
        .order_by(models.Tag.tag_set_id, models.Tag.position)
    )
    if exercise_id is None:
        query = query.where(models.Annotation.exercise_id.is_(None))
    else:
        query = query.where(models.Annotation.exercise_id == exercise_id)
    if document_ids is not None:
        query = query.where(models.Annotation.document_id.in_(list(document_ids)))
    counts: Counter[tuple[str, str]] = Counter()
    names: dict[str, str] = {}
    for status, key, name in session.execute(query):
        names.setdefault(key, name)
        counts[(key, status)] += 1
    return [
        SuggestionTally(
            tag=key,
            name=name,
            suggested=counts[(key, "suggested")],
            accepted=counts[(key, "accepted")],
            rejected=counts[(key, "rejected")],
        )
        for key, name in names.items()
    ]
