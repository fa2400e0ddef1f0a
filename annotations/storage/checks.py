"""What a client sends to save an annotation, and the checks it passes before it is stored."""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from typing import Final
from typing import NamedTuple
from typing import Protocol
from typing import TypeVar

from sqlalchemy import CompoundSelect
from sqlalchemy import bindparam
from sqlalchemy import literal_column
from sqlalchemy import null
from sqlalchemy import select
from sqlalchemy import union_all
from sqlalchemy.orm import Session
from sqlalchemy.orm import contains_eager

from annotations import records
from annotations.errors import AnnotationError
from annotations.errors import SpanError
from annotations.errors import UnknownTagError
from annotations.storage import models
from annotations.storage.tagsets import get_tag_set
from annotations.text.anchor import anchor_quote

__all__ = [
    "AnnotationContent",
    "AnnotationInput",
    "MAX_NOTE_LENGTH",
    "MAX_QUOTE_LENGTH",
    "stored_content",
]

MAX_NOTE_LENGTH: Final = 5000
MAX_QUOTE_LENGTH: Final = 100_000
_PUBLIC_ID_RE: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True, slots=True)
class AnnotationInput:
    """What a client sends to save one annotation; ``public_id`` is a UUID it made."""

    public_id: str
    document_id: int
    start: int
    end: int
    quote: str
    tag_keys: tuple[str, ...]
    tag_set_key: str
    note: str = ""
    comparison_id: int | None = None
    exercise_id: int | None = None
    relation: str | None = None
    link_document_id: int | None = None
    link_start: int | None = None
    link_end: int | None = None
    link_quote: str | None = None


@dataclass(frozen=True, slots=True)
class AnnotationContent:
    """An annotation's content after validation, in the shape it is stored."""

    document_id: int
    comparison_id: int | None
    exercise_id: int | None
    start: int
    end: int
    quote: str
    tag_ids: frozenset[int]
    note: str
    relation: str | None
    link_document_id: int | None
    link_start: int | None
    link_end: int | None
    link_quote: str | None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_span(
    document: _DocumentLike, start: object, end: object, quote: object, what: str
) -> records.Span:
    """Return where ``quote`` is in the document, starting from the span the client sent."""
    if not _is_int(start) or not _is_int(end):
        raise SpanError("start and end must be integers", field=what)
    assert isinstance(start, int) and isinstance(end, int)
    if not isinstance(quote, str) or not quote:
        raise SpanError("the quote must be non-empty text", field=what)
    if len(quote) > MAX_QUOTE_LENGTH:
        raise SpanError(f"the quote is longer than {MAX_QUOTE_LENGTH} characters", field=what)
    text = document.text
    if start < 0:
        raise SpanError(f"start {start} is before the start of the text", field=what)
    if end <= start:
        raise SpanError(f"end {end} must be after start {start}", field=what)
    if end > len(text):
        raise SpanError(
            f"end {end} is past the end of document {document.id} ({len(text)} characters)",
            field=what,
        )
    if text[start:end] == quote:
        return records.Span(start, end)
    # Clients count offsets differently (UTF-16, trimmed whitespace): find the quote instead.
    span = anchor_quote(text, quote, hint=start)
    if span is None:
        raise SpanError(f"quote not found in document {document.id}", field=what)
    return span


class _TagLike(Protocol):
    """What checking needs of a tag: an ORM row or a Core row of the tag table."""

    @property
    def id(self) -> int: ...

    @property
    def key(self) -> str: ...


class _DocumentLike(Protocol):
    """What checking needs of a document: an ORM row or a Core row of the document table."""

    @property
    def id(self) -> int: ...

    @property
    def text(self) -> str: ...


class _AuthorLike(Protocol):
    """What an annotation's answer needs of its author."""

    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...


_T = TypeVar("_T", bound=_TagLike)


def _set_tags(session: Session, tag_set_key: str) -> Sequence[models.Tag]:
    # One query for the set's tags with their set.
    return session.scalars(
        select(models.Tag)
        .join(models.Tag.tag_set)
        .where(models.TagSet.key == tag_set_key)
        .options(contains_eager(models.Tag.tag_set))
    ).all()


_MEMBER_IDS = select(models.ComparisonDocument.document_id).where(
    models.ComparisonDocument.comparison_id == bindparam("comparison_id")
)


def _comparison_members(session: Session, comparison_id: int) -> set[int]:
    return set(session.scalars(_MEMBER_IDS, {"comparison_id": comparison_id}))


class _TagRow(NamedTuple):
    id: int
    key: str
    name: str
    colour: str


class _DocumentText(NamedTuple):
    id: int
    text: str


@dataclass(frozen=True, slots=True)
class _SaveReads:
    """What saving a new annotation reads from the database, fetched in one round trip."""

    document: _DocumentText | None
    member_ids: set[int]
    tags: list[_TagRow]


_DOCUMENT, _MEMBER, _TAG = 0, 1, 2
# One UNION ALL for the document's text, the comparison's members and the tag set's tags:
# on PostgreSQL each statement is a round trip, which under load costs more than the work.
_SAVE_READS: Final[CompoundSelect[Any]] = union_all(
    select(
        literal_column(str(_DOCUMENT)), models.Document.id, models.Document.text, null(), null()
    ).where(models.Document.id == bindparam("document_id")),
    select(
        literal_column(str(_MEMBER)), models.ComparisonDocument.document_id, null(), null(), null()
    ).where(models.ComparisonDocument.comparison_id == bindparam("comparison_id")),
    select(
        literal_column(str(_TAG)), models.Tag.id, models.Tag.key, models.Tag.name, models.Tag.colour
    )
    .join(models.Tag.tag_set)
    .where(models.TagSet.key == bindparam("tag_set_key")),
)


def _read_for_save(session: Session, data: AnnotationInput) -> _SaveReads:
    parameters = {
        "document_id": data.document_id,
        "comparison_id": data.comparison_id,
        "tag_set_key": data.tag_set_key if isinstance(data.tag_set_key, str) else None,
    }
    document: _DocumentText | None = None
    member_ids: set[int] = set()
    tags: list[_TagRow] = []
    for kind, row_id, first, second, third in session.connection().execute(_SAVE_READS, parameters):
        if kind == _TAG:
            tags.append(_TagRow(row_id, first, second, third))
        elif kind == _MEMBER:
            member_ids.add(row_id)
        else:
            document = _DocumentText(row_id, first)
    return _SaveReads(document, member_ids, tags)


def _pick_tags(
    session: Session,
    tag_set_key: object,
    tag_keys: object,
    load: Callable[[Session, str], Sequence[_T]],
) -> list[_T]:
    if not isinstance(tag_set_key, str):
        raise UnknownTagError("expected a tag set key", field="tag_set")
    set_tags = load(session, tag_set_key)
    if not set_tags and get_tag_set(session, tag_set_key) is None:
        raise UnknownTagError(f"unknown tag set {tag_set_key!r}", field="tag_set")
    if isinstance(tag_keys, str) or not isinstance(tag_keys, Sequence):
        raise AnnotationError("expected a list of tag keys", field="tags")
    if not tag_keys:
        raise AnnotationError("an annotation needs at least one tag", field="tags")
    by_key = {tag.key: tag for tag in set_tags}
    tags: list[_T] = []
    for key in dict.fromkeys(tag_keys):
        tag = by_key.get(key) if isinstance(key, str) else None
        if tag is None:
            raise UnknownTagError(f"unknown tag {key!r} in tag set {tag_set_key!r}", field="tags")
        tags.append(tag)
    return tags


def _resolve_tags(session: Session, tag_set_key: object, tag_keys: object) -> list[models.Tag]:
    return _pick_tags(session, tag_set_key, tag_keys, _set_tags)


def _check_note(note: object) -> str:
    if not isinstance(note, str):
        raise AnnotationError("expected text", field="note")
    if len(note) > MAX_NOTE_LENGTH:
        raise AnnotationError(
            f"longer than {MAX_NOTE_LENGTH} characters ({len(note)})", field="note"
        )
    return note


def _check_annotation(
    session: Session,
    data: AnnotationInput,
    load_tags: Callable[[Session, str], Sequence[_T]],
    document: _DocumentLike | None = None,
    load_members: Callable[[Session, int], set[int]] = _comparison_members,
) -> tuple[AnnotationContent, list[_T], _DocumentLike]:
    if document is None:
        document = session.get(models.Document, data.document_id)
    elif document.id != data.document_id:
        raise ValueError("the document given is not the annotation's document")
    if document is None:
        raise AnnotationError(f"document {data.document_id} does not exist", field="document_id")
    member_ids: set[int] = set()
    if data.comparison_id is not None:
        # Every stored comparison has members, so no member means no comparison.
        member_ids = load_members(session, data.comparison_id)
        if not member_ids:
            raise AnnotationError(
                f"comparison {data.comparison_id} does not exist", field="comparison_id"
            )
        if document.id not in member_ids:
            raise AnnotationError(
                f"document {document.id} is not part of comparison {data.comparison_id}",
                field="document_id",
            )
    if data.exercise_id is not None:
        _check_exercise(session, data, document.id)
    span = _check_span(document, data.start, data.end, data.quote, "span")
    tags = _pick_tags(session, data.tag_set_key, data.tag_keys, load_tags)
    note = _check_note(data.note)
    if data.relation is not None and data.relation not in models.RELATIONS:
        raise AnnotationError(
            f"{data.relation!r} is not one of {', '.join(models.RELATIONS)}", field="relation"
        )
    link_fields = (data.link_document_id, data.link_start, data.link_end, data.link_quote)
    is_linked = any(value is not None for value in link_fields)
    if (is_linked or data.relation is not None) and data.comparison_id is None:
        raise AnnotationError(
            "a comparative annotation needs its comparison", field="comparison_id"
        )
    link_document: models.Document | None = None
    link_span: records.Span | None = None
    if is_linked:
        if any(value is None for value in link_fields):
            raise AnnotationError(
                "give link_document_id, link_start, link_end and link_quote together", field="link"
            )
        if data.link_document_id == document.id:
            raise AnnotationError("a link joins two different documents", field="link_document_id")
        if data.link_document_id not in member_ids:
            raise AnnotationError(
                f"document {data.link_document_id} is not part of comparison {data.comparison_id}",
                field="link_document_id",
            )
        link_document = session.get(models.Document, data.link_document_id)
        assert link_document is not None
        link_span = _check_span(
            link_document, data.link_start, data.link_end, data.link_quote, "link"
        )
    checked = AnnotationContent(
        document_id=document.id,
        comparison_id=data.comparison_id,
        exercise_id=data.exercise_id,
        start=span.start,
        end=span.end,
        quote=span.slice(document.text),
        tag_ids=frozenset(tag.id for tag in tags),
        note=note,
        relation=data.relation,
        link_document_id=link_document.id if link_document is not None else None,
        link_start=link_span.start if link_span is not None else None,
        link_end=link_span.end if link_span is not None else None,
        link_quote=(
            link_span.slice(link_document.text)
            if link_span is not None and link_document is not None
            else None
        ),
    )
    return checked, tags, document


def _check_exercise(session: Session, data: AnnotationInput, document_id: int) -> None:
    """Check that an annotation made in an exercise fits it: its articles and its tag set."""
    exercise = session.get(models.Exercise, data.exercise_id)
    if exercise is None:
        raise AnnotationError(f"exercise {data.exercise_id} does not exist", field="exercise_id")
    if data.comparison_id != exercise.comparison_id:
        raise AnnotationError(
            f"exercise {exercise.id} is on comparison {exercise.comparison_id}",
            field="comparison_id",
        )
    shown = (exercise.doc_a_id, exercise.doc_b_id)
    if document_id not in shown or (
        data.link_document_id is not None and data.link_document_id not in shown
    ):
        raise AnnotationError(
            f"exercise {exercise.id} reads documents {shown[0]} and {shown[1]}", field="document_id"
        )
    if data.tag_set_key != exercise.tag_set.key:
        raise UnknownTagError(
            f"exercise {exercise.id} tags with {exercise.tag_set.key!r}", field="tag_set"
        )


def stored_content(row: models.Annotation) -> AnnotationContent:
    """Return what a stored annotation says, to compare with one about to be saved."""
    return AnnotationContent(
        document_id=row.document_id,
        comparison_id=row.comparison_id,
        exercise_id=row.exercise_id,
        start=row.start,
        end=row.end,
        quote=row.quote,
        tag_ids=frozenset(tag.id for tag in row.tags),
        note=row.note,
        relation=row.relation,
        link_document_id=row.link_document_id,
        link_start=row.link_start,
        link_end=row.link_end,
        link_quote=row.link_quote,
    )


def _check_public_id(public_id: object) -> None:
    if not isinstance(public_id, str) or not _PUBLIC_ID_RE.fullmatch(public_id):
        raise AnnotationError(
            "expected a lowercase UUID like 1b4e28ba-2fa1-11d2-883f-0016d3cca427", field="public_id"
        )
