"""Store imported records in the database: find each one's document, quote and tags again.

:func:`import_records` stores the records that
:func:`~annotations.exchange.importing.read_annotations` read and reports what it did. Like
:mod:`annotations.storage`, nothing here commits: the caller owns the transaction and decides
whether an import with problems is kept.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotations.exchange.importing import ImportBatch
from annotations.exchange.importing import ImportItem
from annotations.records import AnnotationRecord
from annotations.records import LinkTarget
from annotations.records import Span
from annotations.storage import accounts
from annotations.storage import bulk
from annotations.storage import checks
from annotations.storage import models
from annotations.storage import tagsets
from annotations.text.anchor import anchor_quote
from annotations.text.anchor import context_of

__all__ = [
    "BATCH_SIZE",
    "ImportReport",
    "Orphaned",
    "ReAnchored",
    "Skipped",
    "import_records",
]

# Records checked, then added, at a time.
BATCH_SIZE: Final = 1000
_MAX_NOTE: Final = checks.MAX_NOTE_LENGTH
# Foreign ids that are not UUIDs become name-based UUIDs, so importing twice finds them again.
_FOREIGN_ID_NAMESPACE: Final = uuid.UUID("6f1d0c2e-5b8e-4a57-9a43-4d3c1b0e7a21")
_UUID_RE: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True, slots=True)
class Skipped:
    """An item of the file that was not imported: its place, its id and why, in one sentence."""

    index: int
    item_id: str
    reason: str
    # The line of the file the item starts on (0 when unknown).
    line: int = 0


@dataclass(frozen=True, slots=True)
class Orphaned:
    """An annotation whose quote is nowhere in its document: it was not imported."""

    index: int
    item_id: str
    document_title: str
    quote: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class ReAnchored:
    """An annotation stored at another span than its file said, where its quote now is."""

    index: int
    item_id: str
    old: Span
    new: Span
    line: int = 0


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did: rows added, those found at a new place, those already stored, and the
    items it could not import (skipped with a reason, or orphaned: their quote is not found).

    ``imported`` counts every row added, the re-anchored ones included; ``unchanged`` counts
    annotations already stored with the same content (not a problem).
    """

    imported: int
    re_anchored: tuple[ReAnchored, ...]
    unchanged: int
    skipped: tuple[Skipped, ...]
    orphaned: tuple[Orphaned, ...]

    @property
    def is_clean(self) -> bool:
        """Return True when every item was imported or was already there."""
        return not self.skipped and not self.orphaned

    @property
    def problems(self) -> int:
        """Return how many items could not be imported."""
        return len(self.skipped) + len(self.orphaned)


class _Skip(Exception):
    """One record that cannot be imported; the message is a plain sentence."""


class _Orphan(Exception):
    """One record whose quote is not in its document."""

    def __init__(self, document_title: str, quote: str) -> None:
        super().__init__(quote)
        self.document_title = document_title
        self.quote = quote


@dataclass(frozen=True, slots=True)
class _Target:
    """Where imported annotations go, with the documents they may be on."""

    comparison_id: int | None
    exercise_id: int | None
    documents: tuple[models.Document, ...]
    tag_set_key: str | None


def _target(session: Session, comparison_id: int | None, exercise_id: int | None) -> _Target:
    if exercise_id is not None:
        exercise = session.get(models.Exercise, exercise_id)
        if exercise is None:
            raise ValueError(f"no exercise has the id {exercise_id}")
        if comparison_id is not None and comparison_id != exercise.comparison_id:
            raise ValueError(
                f"exercise {exercise_id} is on comparison {exercise.comparison_id}, "
                f"not {comparison_id}"
            )
        return _Target(
            exercise.comparison_id,
            exercise.id,
            (exercise.doc_a, exercise.doc_b),
            exercise.tag_set.key,
        )
    if comparison_id is not None:
        comparison = session.get(models.Comparison, comparison_id)
        if comparison is None:
            raise ValueError(f"no comparison has the id {comparison_id}")
        return _Target(comparison.id, None, tuple(comparison.documents), None)
    documents = tuple(session.scalars(select(models.Document).order_by(models.Document.id)))
    return _Target(None, None, documents, None)


class _Importer:
    """The state of one import: what the database holds and what the report will say."""

    def __init__(self, session: Session, target: _Target, author_fallback: str) -> None:
        self.session = session
        self.target = target
        self.author_fallback = author_fallback
        self.by_hash: dict[str, list[models.Document]] = {}
        for document in target.documents:
            self.by_hash.setdefault(document.content_hash, []).append(document)
        self.by_id = {document.id: document for document in target.documents}
        # The file's document ids -> this database's documents, learnt from matched records.
        self.seen_ids: dict[int, models.Document] = {}
        self.tag_sets: list[models.TagSet] = tagsets.list_tag_sets(session)
        # Tag set key -> tag key -> tag id, made once per set.
        self._tag_ids: dict[str, dict[str, int]] = {}
        self.importer_id: int | None = None

    # documents ---------------------------------------------------------------------------

    def document(self, record: AnnotationRecord) -> models.Document:
        if record.document_hash:
            same_text = self.by_hash.get(record.document_hash, [])
            for document in same_text:
                if document.id == record.document_id:
                    return document
            if same_text:
                return same_text[0]
        elif record.document_id is not None and record.document_id in self.by_id:
            return self.by_id[record.document_id]
        for document in self.target.documents:
            if record.document_url and record.document_url == document.url:
                return document
        for document in self.target.documents:
            if record.document_title and record.document_title == document.title:
                return document
        if record.document_id is not None and record.document_id in self.seen_ids:
            return self.seen_ids[record.document_id]
        where = (
            f"comparison {self.target.comparison_id}"
            if self.target.comparison_id is not None
            else "this database"
        )
        named = record.document_title or record.document_url or f"document {record.document_id}"
        raise _Skip(
            f"Its document ({named}) is not in {where}: no document there has the same "
            "text, URL or title."
        )

    def link_document(
        self, link: LinkTarget, record: AnnotationRecord, main: models.Document
    ) -> models.Document:
        if link.document_id is not None and link.document_id in self.seen_ids:
            found = self.seen_ids[link.document_id]
            if found.id != main.id:
                return found
        for document in self.target.documents:
            if document.id != main.id and link.document_title:
                if link.document_title == document.title:
                    return document
        others = [document for document in self.target.documents if document.id != main.id]
        if len(others) == 1:
            return others[0]
        raise _Skip(
            f"Its linked document ({link.document_title or link.document_id}) is not in "
            f"comparison {self.target.comparison_id}."
        )

    # spans -------------------------------------------------------------------------------

    @staticmethod
    def span(
        document: models.Document, start: int, end: int, quote: str, prefix: str, suffix: str
    ) -> Span | None:
        text = document.text
        if not quote:
            # A foreign annotation that gives only positions: trust them if they fit.
            if 0 <= start < end <= len(text):
                return Span(start, end)
            return None
        if 0 <= start < end <= len(text) and text[start:end] == quote:
            return Span(start, end)
        return anchor_quote(text, quote, prefix=prefix, suffix=suffix, hint=start)

    # tags --------------------------------------------------------------------------------

    def tags(self, record: AnnotationRecord) -> list[int]:
        """Return the ids of the record's tags, each once, in the record's order."""
        if not record.tags:
            raise _Skip("It has no tags.")
        wanted_set = self.target.tag_set_key
        if record.tag_set:
            if wanted_set is not None and record.tag_set != wanted_set:
                raise _Skip(
                    f"Its tag set {record.tag_set!r} is not the exercise's ({wanted_set!r})."
                )
            by_key = self._tag_ids.get(record.tag_set)
            if by_key is None:
                tag_set = next((row for row in self.tag_sets if row.key == record.tag_set), None)
                if tag_set is None:
                    raise _Skip(f"Its tag set {record.tag_set!r} is not stored here.")
                by_key = self._tag_ids[record.tag_set] = {tag.key: tag.id for tag in tag_set.tags}
            try:
                return list(dict.fromkeys([by_key[key] for key, _ in record.tags]))
            except KeyError as missing:
                raise _Skip(
                    f"Its tag {missing.args[0]!r} is not in the tag set {record.tag_set!r}."
                ) from None
        # Another tool's tags have names only: find one tag set that has them all.
        for tag_set in self.tag_sets:
            if wanted_set is not None and tag_set.key != wanted_set:
                continue
            by_name = {tag.name.casefold(): tag for tag in tag_set.tags}
            by_key_tag = {tag.key: tag for tag in tag_set.tags}
            found = [
                by_name.get(name.casefold()) or by_key_tag.get(key) for key, name in record.tags
            ]
            if all(tag is not None for tag in found):
                return list(dict.fromkeys(tag.id for tag in found if tag is not None))
        names = ", ".join(repr(name) for _, name in record.tags)
        raise _Skip(f"No tag set here has its tags ({names}).")

    # the rest ----------------------------------------------------------------------------

    def author_id(self) -> int:
        # The importing user, never the file's annotator: a name in a file proves nothing.
        if self.importer_id is None:
            self.importer_id = accounts.get_or_add_user(self.session, self.author_fallback).id
        return self.importer_id

    def public_id(self, record: AnnotationRecord) -> str:
        value = record.id.strip().lower()
        if _UUID_RE.fullmatch(value):
            return value
        name = record.id or "|".join(
            [record.document_url, str(record.start), str(record.end), record.quote]
        )
        return str(uuid.uuid5(_FOREIGN_ID_NAMESPACE, name))


def _kept_time(value: str) -> str | None:
    """Return a file's time as it will be kept and exported again: valid ISO 8601 or None."""
    moment = _moment(value)
    return None if moment is None else value.strip()[:64]


def _moment(value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    # SQLite keeps no zone: a time stored in another zone would come back shifted.
    return moment.astimezone(dt.UTC)


def import_records(
    session: Session,
    items: ImportBatch | Iterable[ImportItem],
    *,
    comparison_id: int | None = None,
    exercise_id: int | None = None,
    author_fallback: str,
    author_id: int | None = None,
) -> ImportReport:
    """Store the records of ``items`` in a comparison (or an exercise) and report what happened.

    ``items`` is what :func:`~annotations.exchange.importing.read_annotations` read, or an
    :class:`~annotations.exchange.importing.AnnotationReader` that reads a file while it is
    stored: records are stored ``BATCH_SIZE`` at a time, so memory does not grow with the file.
    Each record's document is found by its text's hash, else by its id when it has no hash,
    else (another tool's file, or another version of the text) by URL or title among the
    comparison's documents. When the quote is not at ``[start, end)`` it is looked for with
    :func:`~annotations.text.anchor.anchor_quote` (context, then fuzzy), and the annotation is
    stored where it is found ("re-anchored"); a quote found nowhere makes it "orphaned".
    Tags are found by tag set and key, or for another tool's tags by name. Every stored
    annotation belongs to the importing user, ``author_id`` (or the user named
    ``author_fallback``, added if missing); the file's annotator and times are kept as
    imported data and exported again as they were, never credited to an account. Public
    ids are kept: an id already stored with the same content is "unchanged", with other
    content it is skipped. Work from a classroom exercise is only imported into an exercise.

    Every record that can be imported is added; the file's unreadable items are reported as
    skipped. Nothing is committed: the caller commits, or rolls back when the report is not
    :attr:`ImportReport.is_clean` and the import should be all or nothing. ``ValueError``
    when the comparison or exercise does not exist; an
    :class:`~annotations.errors.ImportFormatError` from a file found unreadable part way
    through, after some rows were added (the caller rolls back).
    """
    target = _target(session, comparison_id, exercise_id)
    importer = _Importer(session, target, author_fallback)
    importer.importer_id = author_id
    found = _Found()
    batch: list[ImportItem] = []
    for item in _batch_items(items) if isinstance(items, ImportBatch) else items:
        batch.append(item)
        if len(batch) == BATCH_SIZE:
            _store(importer, batch, found)
            batch.clear()
    _store(importer, batch, found)
    found.skipped.sort(key=lambda item: item.index)
    return ImportReport(
        imported=found.imported,
        re_anchored=tuple(found.re_anchored),
        unchanged=found.unchanged,
        skipped=tuple(found.skipped),
        orphaned=tuple(found.orphaned),
    )


@dataclass(slots=True)
class _Found:
    """What an import has done so far."""

    imported: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    orphaned: list[Orphaned] = field(default_factory=list)
    re_anchored: list[ReAnchored] = field(default_factory=list)


def _store(importer: _Importer, items: Sequence[ImportItem], found: _Found) -> None:
    """Check and add one batch of items; the rows of earlier batches are in the database."""
    session = importer.session
    records = [item for item in items if item.record is not None]
    public_ids = [importer.public_id(item.record) for item in records if item.record is not None]
    stored = bulk.stored_contents(session, public_ids)
    rows: list[tuple[dict[str, Any], list[int]]] = []
    # This batch's rows by public id, for an id that comes twice (foreign items without ids).
    pending: dict[str, tuple[dict[str, Any], list[int]]] = {}
    for item in items:
        if item.problem is not None:
            problem = item.problem
            found.skipped.append(Skipped(item.index, problem.item_id, problem.message, item.line))
    for item, public_id in zip(records, public_ids, strict=True):
        record = item.record
        assert record is not None
        index, line = item.index, item.line
        try:
            values, tag_ids, moved = _prepare(importer, record, public_id)
        except _Skip as problem:
            found.skipped.append(Skipped(index, record.id, str(problem), line))
            continue
        except _Orphan as orphan:
            found.orphaned.append(
                Orphaned(index, record.id, orphan.document_title, orphan.quote, line)
            )
            continue
        existing = stored.get(public_id)
        if existing is None and public_id in pending:
            existing = bulk.content_of(*pending[public_id])
        if existing is not None:
            if existing == bulk.content_of(values, tag_ids):
                found.unchanged += 1
            else:
                found.skipped.append(
                    Skipped(
                        index, record.id, "Its id is already stored here with other content.", line
                    )
                )
            continue
        values["author_id"] = importer.author_id()
        if moved:
            found.re_anchored.append(
                ReAnchored(
                    index,
                    record.id,
                    Span(record.start, record.end),
                    Span(values["start"], values["end"]),
                    line,
                )
            )
        rows.append((values, tag_ids))
        pending[public_id] = (values, tag_ids)
    bulk.insert_annotations(session, rows)
    found.imported += len(rows)


def _batch_items(batch: ImportBatch) -> Iterator[ImportItem]:
    """Return the items of a file read whole, in the order of the file."""
    problems = {problem.index: problem for problem in batch.problems}
    position = 0
    for record in batch.records:
        while position in problems:
            problem = problems.pop(position)
            yield ImportItem(position, problem.line, None, problem)
            position += 1
        yield ImportItem(position, 0, record, None)
        position += 1
    for index, problem in sorted(problems.items()):
        yield ImportItem(index, problem.line, None, problem)


def _prepare(
    importer: _Importer, record: AnnotationRecord, public_id: str
) -> tuple[dict[str, Any], list[int], bool]:
    """Return the row's values and tag ids to store for ``record``, and whether it moved."""
    target = importer.target
    if record.exercise_id is not None and target.exercise_id is None:
        raise _Skip(
            f"It is work from exercise {record.exercise_id}; exercise work is private and is "
            "not imported into a comparison."
        )
    if record.relation is not None and record.relation not in models.RELATIONS:
        raise _Skip(f"Its relation {record.relation!r} is not one Parallax knows.")
    if len(record.note) > _MAX_NOTE:
        raise _Skip(f"Its note is longer than {_MAX_NOTE} characters.")
    document = importer.document(record)
    tag_ids = importer.tags(record)
    span = importer.span(
        document, record.start, record.end, record.quote, record.prefix, record.suffix
    )
    if span is None:
        raise _Orphan(document.title or f"document {document.id}", record.quote)
    moved = (span.start, span.end) != (record.start, record.end)
    if record.document_id is not None:
        importer.seen_ids.setdefault(record.document_id, document)
    link = record.link
    link_document: models.Document | None = None
    link_span: Span | None = None
    if link is not None:
        if target.comparison_id is None:
            raise _Skip("It links two documents, which needs a comparison to import into.")
        link_document = importer.link_document(link, record, document)
        link_span = importer.span(link_document, link.start, link.end, link.quote, "", "")
        if link_span is None:
            raise _Orphan(link_document.title or f"document {link_document.id}", link.quote)
        moved = moved or (link_span.start, link_span.end) != (link.start, link.end)
    prefix, suffix = context_of(document.text, span.start, span.end)
    status = record.status if record.status in models.ANNOTATION_STATUSES else "human"
    now = models.utcnow()
    values: dict[str, Any] = {
        "public_id": public_id,
        "document_id": document.id,
        "comparison_id": target.comparison_id,
        "exercise_id": target.exercise_id,
        "start": span.start,
        "end": span.end,
        "quote": span.slice(document.text),
        "prefix": prefix,
        "suffix": suffix,
        "note": record.note,
        "author_id": None,
        "status": status,
        "relation": record.relation,
        "link_document_id": link_document.id if link_document is not None else None,
        "link_start": link_span.start if link_span is not None else None,
        "link_end": link_span.end if link_span is not None else None,
        "link_quote": (
            link_span.slice(link_document.text)
            if link_span is not None and link_document is not None
            else None
        ),
        "imported_annotator": record.annotator.strip()[:200] or None,
        "imported_created": _kept_time(record.created),
        "imported_updated": _kept_time(record.updated),
        "created_at": now,
        "updated_at": now,
    }
    return values, tag_ids, moved
