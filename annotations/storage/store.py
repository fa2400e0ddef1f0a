"""Read and write documents, comparisons, alignments, tag sets and annotations.

Every function takes the caller's Session.

Nothing here commits, rolls back or opens a session: the caller owns the transaction.
Records go in as ``annotations.records`` dataclasses and come back equal to what went in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from typing import Final
from typing import NamedTuple
from typing import Protocol
from typing import TypeVar
from typing import cast

from sqlalchemy import ColumnElement
from sqlalchemy import CompoundSelect
from sqlalchemy import Insert
from sqlalchemy import Integer
from sqlalchemy import Table
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import literal_column
from sqlalchemy import null
from sqlalchemy import select
from sqlalchemy import union_all
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm import selectinload

from annotations import records
from annotations.errors import AnnotationError
from annotations.errors import AnnotationNotFoundError
from annotations.errors import ConflictError
from annotations.errors import DocumentNotFoundError
from annotations.errors import SpanError
from annotations.errors import UnknownTagError
from annotations.framing import taxonomy
from annotations.storage import models
from annotations.text.anchor import anchor_quote
from annotations.text.anchor import context_of


def content_hash(text: str) -> str:
    """Return the SHA-256 hex digest of ``text`` encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def segmentation_to_json(segmentation: records.Segmentation) -> dict[str, Any]:
    """Return a segmentation as compact JSON-ready lists of offsets."""
    return {
        "paragraphs": [[p.start, p.end, p.kind] for p in segmentation.paragraphs],
        "sentences": [[s.start, s.end, s.paragraph] for s in segmentation.sentences],
        "headings": [span.as_list() for span in segmentation.headings],
        "markers": [[m.start, m.end, m.key, m.value] for m in segmentation.markers],
        "blank_runs": [span.as_list() for span in segmentation.blank_runs],
    }


def segmentation_from_json(data: dict[str, Any]) -> records.Segmentation:
    """Return the segmentation that ``segmentation_to_json`` wrote."""
    return records.Segmentation(
        paragraphs=tuple(records.Paragraph(s, e, kind) for s, e, kind in data["paragraphs"]),
        sentences=tuple(records.Sentence(s, e, p) for s, e, p in data["sentences"]),
        headings=tuple(records.Span(s, e) for s, e in data["headings"]),
        markers=tuple(records.MetadataMarker(s, e, k, v) for s, e, k, v in data["markers"]),
        blank_runs=tuple(records.Span(s, e) for s, e in data["blank_runs"]),
    )


def add_document(session: Session, document: records.Document) -> models.Document:
    """Add a document row for ``document`` (its ``path`` is not stored) and return it."""
    meta = document.meta
    row = models.Document(
        text=document.text,
        source_format=document.source_format,
        source=document.source,
        outlet=meta.outlet,
        title=meta.title,
        url=meta.url,
        published=meta.published,
        language=meta.language,
        content_hash=content_hash(document.text),
        segmentation=segmentation_to_json(document.segmentation),
    )
    session.add(row)
    session.flush()
    return row


def get_document_record(row: models.Document) -> records.Document:
    """Return the record a document row holds, segmentation included."""
    return records.Document(
        text=row.text,
        segmentation=segmentation_from_json(row.segmentation),
        meta=records.DocumentMeta(
            outlet=row.outlet,
            title=row.title,
            url=row.url,
            published=row.published,
            language=row.language,
        ),
        source_format=cast(records.SourceFormat, row.source_format),
        source=row.source,
    )


def add_comparison(
    session: Session,
    title: str,
    documents: Sequence[models.Document],
    *,
    description: str | None = None,
) -> models.Comparison:
    """Add a comparison of ``documents`` in the order given and return it."""
    if len(documents) < 2:
        raise ValueError("a comparison needs at least two documents")
    if len({id(document) for document in documents}) != len(documents):
        raise ValueError("a comparison holds each document once")
    comparison = models.Comparison(title=title, description=description)
    comparison.members = [
        models.ComparisonDocument(document=document, position=position)
        for position, document in enumerate(documents)
    ]
    session.add(comparison)
    session.flush()
    return comparison


def find_comparison_by_title(session: Session, title: str) -> models.Comparison | None:
    """Return the oldest comparison titled ``title``, or None."""
    query = (
        select(models.Comparison)
        .where(models.Comparison.title == title)
        .order_by(models.Comparison.id)
        .limit(1)
    )
    return session.scalars(query).first()


def _pair_to_json(pair: records.PassagePair) -> dict[str, Any]:
    # Scores and indices may arrive as NumPy scalars, which JSON cannot encode.
    return {
        "a": [int(pair.a.start), int(pair.a.end)],
        "b": [int(pair.b.start), int(pair.b.end)],
        "score": float(pair.score),
        "kind": pair.kind,
        "a_sentences": [int(i) for i in pair.a_sentences],
        "b_sentences": [int(i) for i in pair.b_sentences],
        "evidence": list(pair.evidence),
        "confidence": pair.confidence,
    }


def _pair_from_json(data: dict[str, Any]) -> records.PassagePair:
    return records.PassagePair(
        a=records.Span(*data["a"]),
        b=records.Span(*data["b"]),
        score=data["score"],
        kind=data["kind"],
        a_sentences=tuple(data["a_sentences"]),
        b_sentences=tuple(data["b_sentences"]),
        # Alignments stored before links carried evidence have neither key.
        evidence=tuple(data.get("evidence", ())),
        confidence=data.get("confidence"),
    )


def save_alignment(
    session: Session,
    comparison: models.Comparison,
    a_row: models.Document,
    b_row: models.Document,
    alignment: records.Alignment,
) -> models.Alignment:
    """Add the alignment of two of the comparison's documents and return its row."""
    members = {id(member.document) for member in comparison.members}
    if id(a_row) not in members or id(b_row) not in members:
        raise ValueError("both documents of an alignment must belong to its comparison")
    settings = alignment.settings
    row = models.Alignment(
        comparison=comparison,
        doc_a=a_row,
        doc_b=b_row,
        settings={
            "threshold": float(settings.threshold),
            "near_best": float(settings.near_best),
            "version": settings.version,
        },
        pairs=[_pair_to_json(pair) for pair in alignment.pairs],
        only_a=[[int(span.start), int(span.end)] for span in alignment.only_a],
        only_b=[[int(span.start), int(span.end)] for span in alignment.only_b],
    )
    session.add(row)
    session.flush()
    return row


def load_alignment(row: models.Alignment) -> records.Alignment:
    """Return the record an alignment row holds."""
    settings = row.settings
    return records.Alignment(
        pairs=tuple(_pair_from_json(pair) for pair in row.pairs),
        only_a=tuple(records.Span(start, end) for start, end in row.only_a),
        only_b=tuple(records.Span(start, end) for start, end in row.only_b),
        settings=records.AlignSettings(
            threshold=settings["threshold"],
            near_best=settings["near_best"],
            version=settings["version"],
        ),
    )


# -- tag sets --------------------------------------------------------------------------------


def get_tag_set(session: Session, key: str) -> models.TagSet | None:
    """Return the stored tag set with this key, or None."""
    query = (
        select(models.TagSet)
        .where(models.TagSet.key == key)
        .options(selectinload(models.TagSet.tags))
    )
    return session.scalars(query).first()


def list_tag_sets(session: Session) -> list[models.TagSet]:
    """Return the stored tag sets, built-in ones first, then by name."""
    query = (
        select(models.TagSet)
        .options(selectinload(models.TagSet.tags))
        .order_by(models.TagSet.is_builtin.desc(), models.TagSet.name, models.TagSet.id)
    )
    return list(session.scalars(query))


def tag_set_record(row: models.TagSet) -> taxonomy.TagSet:
    """Return the frozen tag set a row holds."""
    return taxonomy.TagSet(
        key=row.key,
        name=row.name,
        description=row.description,
        version=row.version,
        source=row.source,
        tags=tuple(
            taxonomy.Tag(
                key=tag.key,
                name=tag.name,
                description=tag.description,
                colour=tag.colour,
                shortcut=tag.shortcut,
                group=tag.group_name,
            )
            for tag in row.tags
        ),
    )


def _tags_in_use(session: Session, tag_ids: Sequence[int]) -> int:
    if not tag_ids:
        return 0
    query = (
        select(func.count())
        .select_from(models.AnnotationTag)
        .where(models.AnnotationTag.tag_id.in_(tag_ids))
    )
    return session.scalar(query) or 0


def save_tag_set(
    session: Session, tag_set: taxonomy.TagSet, *, builtin: bool = False
) -> models.TagSet:
    """Store ``tag_set`` under its key, adding it or replacing the stored one, and return the row.

    Tags are matched by key, so annotations keep the tags that stay. A built-in set is only
    changed by installing the built-in sets again (``builtin=True``); people copy it instead.
    Removing a tag that annotations use raises :class:`~annotations.framing.taxonomy.TaxonomyError`.
    """
    row = get_tag_set(session, tag_set.key)
    if row is None:
        row = models.TagSet(key=tag_set.key, tags=[])
        session.add(row)
    elif row.is_builtin and not builtin:
        raise taxonomy.TaxonomyError(
            "key", f"{tag_set.key!r} is a built-in tag set: copy it to make your own version"
        )
    elif builtin and not row.is_builtin:
        raise taxonomy.TaxonomyError(
            "key", f"{tag_set.key!r} is already used by a tag set that is not built in"
        )
    kept = {tag.key: tag for tag in row.tags}
    wanted = {tag.key for tag in tag_set.tags}
    dropped = [tag for key, tag in kept.items() if key not in wanted]
    used = _tags_in_use(session, [tag.id for tag in dropped if tag.id is not None])
    if used:
        names = ", ".join(repr(tag.key) for tag in dropped)
        raise taxonomy.TaxonomyError(
            "tags", f"cannot remove {names}: {used} annotation tag(s) use them; copy the set"
        )
    row.name = tag_set.name
    row.description = tag_set.description
    row.version = tag_set.version
    row.source = tag_set.source
    row.is_builtin = builtin
    tags: list[models.Tag] = []
    for position, tag in enumerate(tag_set.tags):
        tag_row = kept.get(tag.key) or models.Tag(key=tag.key)
        tag_row.name = tag.name
        tag_row.description = tag.description
        tag_row.colour = tag.colour
        tag_row.shortcut = tag.shortcut
        tag_row.group_name = tag.group
        tag_row.position = position
        tags.append(tag_row)
    row.tags = tags
    row.updated_at = models.utcnow()
    session.flush()
    return row


def install_builtin_tag_sets(session: Session) -> int:
    """Store the built-in tag sets that are missing or out of date; return how many changed."""
    changed = 0
    for tag_set in taxonomy.builtin_tag_sets():
        row = get_tag_set(session, tag_set.key)
        if row is not None and row.is_builtin and tag_set_record(row) == tag_set:
            continue
        save_tag_set(session, tag_set, builtin=True)
        changed += 1
    return changed


# -- annotations -----------------------------------------------------------------------------

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
        raise SpanError(f"{what}: start and end must be integers")
    assert isinstance(start, int) and isinstance(end, int)
    if not isinstance(quote, str) or not quote:
        raise SpanError(f"{what}: the quote must be non-empty text")
    if len(quote) > MAX_QUOTE_LENGTH:
        raise SpanError(f"{what}: the quote is longer than {MAX_QUOTE_LENGTH} characters")
    text = document.text
    if start < 0:
        raise SpanError(f"{what}: start {start} is before the start of the text")
    if end <= start:
        raise SpanError(f"{what}: end {end} must be after start {start}")
    if end > len(text):
        raise SpanError(
            f"{what}: end {end} is past the end of document {document.id} ({len(text)} characters)"
        )
    if text[start:end] == quote:
        return records.Span(start, end)
    # Clients count offsets differently (UTF-16, trimmed whitespace): find the quote instead.
    span = anchor_quote(text, quote, hint=start)
    if span is None:
        raise SpanError(f"{what}: quote not found in document {document.id}")
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
        raise UnknownTagError("tag_set: expected a tag set key")
    set_tags = load(session, tag_set_key)
    if not set_tags and get_tag_set(session, tag_set_key) is None:
        raise UnknownTagError(f"tag_set: unknown tag set {tag_set_key!r}")
    if isinstance(tag_keys, str) or not isinstance(tag_keys, Sequence):
        raise AnnotationError("tags: expected a list of tag keys")
    if not tag_keys:
        raise AnnotationError("tags: an annotation needs at least one tag")
    by_key = {tag.key: tag for tag in set_tags}
    tags: list[_T] = []
    for key in dict.fromkeys(tag_keys):
        tag = by_key.get(key) if isinstance(key, str) else None
        if tag is None:
            raise UnknownTagError(f"tags: unknown tag {key!r} in tag set {tag_set_key!r}")
        tags.append(tag)
    return tags


def _resolve_tags(session: Session, tag_set_key: object, tag_keys: object) -> list[models.Tag]:
    return _pick_tags(session, tag_set_key, tag_keys, _set_tags)


def _check_note(note: object) -> str:
    if not isinstance(note, str):
        raise AnnotationError("note: expected text")
    if len(note) > MAX_NOTE_LENGTH:
        raise AnnotationError(f"note: longer than {MAX_NOTE_LENGTH} characters ({len(note)})")
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
        raise AnnotationError(f"document_id: document {data.document_id} does not exist")
    member_ids: set[int] = set()
    if data.comparison_id is not None:
        # Every stored comparison has members, so no member means no comparison.
        member_ids = load_members(session, data.comparison_id)
        if not member_ids:
            raise AnnotationError(f"comparison_id: comparison {data.comparison_id} does not exist")
        if document.id not in member_ids:
            raise AnnotationError(
                f"document_id: document {document.id} is not part of comparison "
                f"{data.comparison_id}"
            )
    if data.exercise_id is not None:
        _check_exercise(session, data, document.id)
    span = _check_span(document, data.start, data.end, data.quote, "span")
    tags = _pick_tags(session, data.tag_set_key, data.tag_keys, load_tags)
    note = _check_note(data.note)
    if data.relation is not None and data.relation not in models.RELATIONS:
        raise AnnotationError(
            f"relation: {data.relation!r} is not one of {', '.join(models.RELATIONS)}"
        )
    link_fields = (data.link_document_id, data.link_start, data.link_end, data.link_quote)
    is_linked = any(value is not None for value in link_fields)
    if (is_linked or data.relation is not None) and data.comparison_id is None:
        raise AnnotationError("comparison_id: a comparative annotation needs its comparison")
    link_document: models.Document | None = None
    link_span: records.Span | None = None
    if is_linked:
        if any(value is None for value in link_fields):
            raise AnnotationError(
                "link: give link_document_id, link_start, link_end and link_quote together"
            )
        if data.link_document_id == document.id:
            raise AnnotationError("link_document_id: a link joins two different documents")
        if data.link_document_id not in member_ids:
            raise AnnotationError(
                f"link_document_id: document {data.link_document_id} is not part of "
                f"comparison {data.comparison_id}"
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
        raise AnnotationError(f"exercise_id: exercise {data.exercise_id} does not exist")
    if data.comparison_id != exercise.comparison_id:
        raise AnnotationError(
            f"comparison_id: exercise {exercise.id} is on comparison {exercise.comparison_id}"
        )
    shown = (exercise.doc_a_id, exercise.doc_b_id)
    if document_id not in shown or (
        data.link_document_id is not None and data.link_document_id not in shown
    ):
        raise AnnotationError(
            f"document_id: exercise {exercise.id} reads documents {shown[0]} and {shown[1]}"
        )
    if data.tag_set_key != exercise.tag_set.key:
        raise UnknownTagError(f"tag_set: exercise {exercise.id} tags with {exercise.tag_set.key!r}")


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


def find_annotation(session: Session, public_id: str) -> models.Annotation | None:
    """Return the annotation with this public id (deleted or not), or None."""
    query = (
        select(models.Annotation)
        .where(models.Annotation.public_id == public_id)
        .options(selectinload(models.Annotation.tags).selectinload(models.Tag.tag_set))
    )
    return session.scalars(query).first()


def _get_annotation(session: Session, public_id: str) -> models.Annotation:
    row = find_annotation(session, public_id)
    if row is None:
        raise AnnotationNotFoundError(f"no annotation has the id {public_id!r}")
    return row


def _check_public_id(public_id: object) -> None:
    if not isinstance(public_id, str) or not _PUBLIC_ID_RE.fullmatch(public_id):
        raise AnnotationError(
            "public_id: expected a lowercase UUID like 1b4e28ba-2fa1-11d2-883f-0016d3cca427"
        )


def add_annotation(
    session: Session,
    data: AnnotationInput,
    *,
    author_id: int | None = None,
    assume_new: bool = False,
) -> tuple[models.Annotation, bool]:
    """Store a new annotation and return it with True, or the same one saved before with False.

    Saving is idempotent on ``public_id``: the same content again returns the stored row;
    different content under a stored id raises :class:`ConflictError`. When the quote is not
    at ``[start, end)`` it is looked for nearby (see :func:`annotations.text.anchor.anchor_quote`),
    and the span where it is found is stored. With ``assume_new`` the stored ids are not
    looked at first: a stored id then raises ``IntegrityError`` from the flush, and the caller
    rolls back and calls again without it (one query less when ids are new, as they mostly are).
    """
    _check_public_id(data.public_id)
    checked, tags, document = _check_annotation(session, data, _set_tags)
    existing = None if assume_new else find_annotation(session, data.public_id)
    if existing is not None:
        if stored_content(existing) != checked:
            raise ConflictError(
                f"public_id: annotation {data.public_id} was already saved with other content"
            )
        return existing, False
    prefix, suffix = context_of(document.text, checked.start, checked.end)
    row = models.Annotation(
        public_id=data.public_id,
        document_id=checked.document_id,
        comparison_id=checked.comparison_id,
        exercise_id=checked.exercise_id,
        start=checked.start,
        end=checked.end,
        quote=checked.quote,
        prefix=prefix,
        suffix=suffix,
        note=checked.note,
        author_id=author_id,
        status="human",
        relation=checked.relation,
        link_document_id=checked.link_document_id,
        link_start=checked.link_start,
        link_end=checked.link_end,
        link_quote=checked.link_quote,
        tags=tags,
    )
    session.add(row)
    session.flush()
    return row, True


ANNOTATION_TABLE = cast(Table, models.Annotation.__table__)
_INSERT_ANNOTATION = insert(ANNOTATION_TABLE).returning(ANNOTATION_TABLE.c.id)
ANNOTATION_TAG_TABLE = cast(Table, models.AnnotationTag.__table__)
_INSERT_ANNOTATION_TAG = insert(ANNOTATION_TAG_TABLE)


# What an annotation row says, apart from its ids, times and deletion.
ANNOTATION_COLUMNS: Final = (
    "public_id",
    "document_id",
    "comparison_id",
    "exercise_id",
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "note",
    "author_id",
    "status",
    "relation",
    "link_document_id",
    "link_start",
    "link_end",
    "link_quote",
)
# The columns a new annotation's insert sets.
_NEW_COLUMNS: Final = (*ANNOTATION_COLUMNS, "created_at", "updated_at")


def _insert_with_tags() -> Insert:
    """Return INSERT of an annotation that also inserts its tags, ``tag_ids`` (PostgreSQL)."""
    # Named parameters: inside a WITH, an insert does not take its columns from the values.
    parameters = {
        name: bindparam(name, type_=ANNOTATION_TABLE.c[name].type) for name in _NEW_COLUMNS
    }
    new = (
        insert(ANNOTATION_TABLE)
        .values(parameters)
        .returning(ANNOTATION_TABLE.c.id)
        .cte("new_annotation")
    )
    tag_ids = func.unnest(bindparam("tag_ids", type_=postgresql.ARRAY(Integer)))
    rows = select(new.c.id, tag_ids).select_from(new)
    columns = ["annotation_id", "tag_id"]
    return insert(ANNOTATION_TAG_TABLE).from_select(columns, rows).add_cte(new)


_INSERT_ANNOTATION_WITH_TAGS: Final = _insert_with_tags()
# The databases on which add_new_annotation writes in one statement, so it needs no
# transaction around it.
ONE_STATEMENT_SAVE_DIALECTS: Final = frozenset({"postgresql"})


def add_new_annotation(
    session: Session,
    data: AnnotationInput,
    *,
    author: _AuthorLike | None = None,
) -> dict[str, Any]:
    """Store a new annotation and return it as :func:`annotation_to_dict` gives it.

    The same checks as :func:`add_annotation` with ``assume_new``, in fewer round trips: one
    query reads the document, the comparison's members and the tags, and the rows go in as
    Core inserts (one statement on PostgreSQL) without ORM objects. A document that does not
    exist raises :class:`DocumentNotFoundError`. A stored ``public_id`` raises
    ``IntegrityError``; the caller rolls back and calls :func:`add_annotation` to answer a
    replay or a conflict. ``author`` may be any object with ``id`` and ``name``, such as a
    Core row. The reads use the session's connection without an autoflush: flush anything
    pending that they depend on first.
    """
    _check_public_id(data.public_id)
    reads = _read_for_save(session, data)
    if reads.document is None:
        raise DocumentNotFoundError(f"no document has the id {data.document_id}")
    checked, tags, document = _check_annotation(
        session,
        data,
        lambda _session, _key: reads.tags,
        reads.document,
        lambda _session, _comparison_id: reads.member_ids,
    )
    prefix, suffix = context_of(document.text, checked.start, checked.end)
    now = models.utcnow()
    values = {
        "public_id": data.public_id,
        "document_id": checked.document_id,
        "comparison_id": checked.comparison_id,
        "exercise_id": checked.exercise_id,
        "start": checked.start,
        "end": checked.end,
        "quote": checked.quote,
        "prefix": prefix,
        "suffix": suffix,
        "note": checked.note,
        "author_id": author.id if author is not None else None,
        "status": "human",
        "relation": checked.relation,
        "link_document_id": checked.link_document_id,
        "link_start": checked.link_start,
        "link_end": checked.link_end,
        "link_quote": checked.link_quote,
        "created_at": now,
        "updated_at": now,
    }
    connection = session.connection()
    tag_ids = [tag.id for tag in tags]
    if connection.dialect.name in ONE_STATEMENT_SAVE_DIALECTS:
        # The annotation and its tags in one statement (a data-modifying WITH).
        connection.execute(_INSERT_ANNOTATION_WITH_TAGS, {**values, "tag_ids": tag_ids})
    else:
        annotation_id = connection.execute(_INSERT_ANNOTATION, values).scalar_one()
        connection.execute(
            _INSERT_ANNOTATION_TAG,
            [{"annotation_id": annotation_id, "tag_id": tag_id} for tag_id in tag_ids],
        )
    link = link_to_dict(
        checked.link_document_id, checked.link_start, checked.link_end, checked.link_quote
    )
    stamp = isoformat_utc(now)
    return {
        "id": data.public_id,
        "document_id": checked.document_id,
        "comparison_id": checked.comparison_id,
        "exercise_id": checked.exercise_id,
        "start": checked.start,
        "end": checked.end,
        "quote": checked.quote,
        "prefix": prefix,
        "suffix": suffix,
        # In the order asked for, as add_annotation's row holds them until it is read again.
        "tags": [{"key": tag.key, "name": tag.name, "colour": tag.colour} for tag in tags],
        "tag_set": data.tag_set_key,
        "note": checked.note,
        "status": "human",
        "author": author.name if author is not None else None,
        "relation": checked.relation,
        "link": link,
        "created": stamp,
        "updated": stamp,
        "deleted": False,
    }


def update_annotation(
    session: Session,
    public_id: str,
    *,
    tag_keys: Sequence[str] | None = None,
    note: str | None = None,
) -> models.Annotation:
    """Change an annotation's tags (within its tag set) or note, and return it."""
    row = _get_annotation(session, public_id)
    if row.deleted_at is not None:
        raise AnnotationNotFoundError(f"annotation {public_id!r} is deleted; restore it first")
    if tag_keys is not None:
        row.tags = _resolve_tags(session, row.tags[0].tag_set.key, tag_keys)
    if note is not None:
        row.note = _check_note(note)
    # Changing only the tags touches no column of the row, so the time is set here.
    row.updated_at = models.utcnow()
    session.flush()
    return row


def delete_annotation(session: Session, public_id: str) -> models.Annotation:
    """Mark an annotation deleted (it can be restored) and return it."""
    row = _get_annotation(session, public_id)
    if row.deleted_at is None:
        row.deleted_at = models.utcnow()
        session.flush()
    return row


def restore_annotation(session: Session, public_id: str) -> models.Annotation:
    """Undo the deletion of an annotation and return it."""
    row = _get_annotation(session, public_id)
    if row.deleted_at is not None:
        row.deleted_at = None
        session.flush()
    return row


# Text order: the order every list and export of annotations comes in.
ANNOTATION_ORDER: Final = (
    models.Annotation.document_id,
    models.Annotation.start,
    models.Annotation.end,
    models.Annotation.id,
)


def annotation_filters(
    *,
    comparison_id: int | None = None,
    document_id: int | None = None,
    exercise_id: int | None = None,
    author_id: int | None = None,
    outside_exercises: bool = False,
    include_deleted: bool = False,
) -> list[ColumnElement[bool]]:
    """Return the WHERE conditions that pick annotations as asked (live ones unless told)."""
    table = models.Annotation
    conditions: list[ColumnElement[bool]] = []
    if comparison_id is not None:
        conditions.append(table.comparison_id == comparison_id)
    if document_id is not None:
        conditions.append(table.document_id == document_id)
    if exercise_id is not None:
        conditions.append(table.exercise_id == exercise_id)
    if author_id is not None:
        conditions.append(table.author_id == author_id)
    if outside_exercises:
        conditions.append(table.exercise_id.is_(None))
    if not include_deleted:
        conditions.append(table.deleted_at.is_(None))
    return conditions


def list_annotations(
    session: Session,
    *,
    comparison_id: int | None = None,
    document_id: int | None = None,
    include_deleted: bool = False,
    outside_exercises: bool = False,
) -> list[models.Annotation]:
    """Return annotations ordered by document and position, filtered as asked.

    With ``outside_exercises``, work done in classroom exercises (students' copies and
    answer keys) is left out: it is shown only to those the exercise lets see it.
    """
    query = (
        select(models.Annotation)
        .options(
            selectinload(models.Annotation.tags).selectinload(models.Tag.tag_set),
            selectinload(models.Annotation.author),
        )
        .where(
            *annotation_filters(
                comparison_id=comparison_id,
                document_id=document_id,
                outside_exercises=outside_exercises,
                include_deleted=include_deleted,
            )
        )
        .order_by(*ANNOTATION_ORDER)
    )
    return list(session.scalars(query))


def get_or_add_user(session: Session, name: str, *, role: models.Role = "teacher") -> models.User:
    """Return the oldest user with this name, adding one with ``role`` if there is none."""
    query = select(models.User).where(models.User.name == name).order_by(models.User.id).limit(1)
    user = session.scalars(query).first()
    if user is None:
        user = models.User(name=name, role=role)
        session.add(user)
        session.flush()
    return user


def isoformat_utc(moment: dt.datetime | None) -> str | None:
    """Return a stored time as ISO 8601 in UTC (None stays None)."""
    if moment is None:
        return None
    # SQLite hands timestamps back without a zone; they were written in UTC.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.isoformat()


def link_to_dict(
    document_id: int | None, start: int | None, end: int | None, quote: str | None
) -> dict[str, Any] | None:
    """Return a comparative annotation's link as its JSON shows it (None when unlinked)."""
    if document_id is None:
        return None
    return {"document_id": document_id, "start": start, "end": end, "quote": quote}


def annotation_to_dict(row: models.Annotation) -> dict[str, Any]:
    """Return an annotation as a JSON-ready dict, its id being the public id."""
    link = link_to_dict(row.link_document_id, row.link_start, row.link_end, row.link_quote)
    return {
        "id": row.public_id,
        "document_id": row.document_id,
        "comparison_id": row.comparison_id,
        "exercise_id": row.exercise_id,
        "start": row.start,
        "end": row.end,
        "quote": row.quote,
        "prefix": row.prefix,
        "suffix": row.suffix,
        "tags": [{"key": tag.key, "name": tag.name, "colour": tag.colour} for tag in row.tags],
        "tag_set": row.tags[0].tag_set.key if row.tags else None,
        "note": row.note,
        "status": row.status,
        "author": row.author.name if row.author is not None else None,
        "relation": row.relation,
        "link": link,
        "created": isoformat_utc(row.created_at),
        "updated": isoformat_utc(row.updated_at),
        "deleted": row.deleted_at is not None,
    }
