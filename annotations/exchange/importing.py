"""Read annotations from Parallax JSON or W3C JSON-LD, from Parallax or another tool."""

from __future__ import annotations

import operator
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from typing import BinaryIO
from typing import Final
from urllib.parse import unquote

from annotations.exchange.formats import _PX
from annotations.exchange.formats import MAX_IMPORT_BYTES
from annotations.exchange.formats import ImportFormat
from annotations.exchange.shapes import kind_of
from annotations.exchange.shapes import types_of
from annotations.exchange.streaming import JsonItems
from annotations.framing.editing import slugify
from annotations.framing.taxonomy import TaxonomyError
from annotations.records import AnnotationRecord
from annotations.records import LinkTarget

__all__ = [
    "AnnotationReader",
    "ImportBatch",
    "ImportItem",
    "ImportProblem",
    "read_annotations",
]


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """Why one item of an imported file was left out: its place, its id if any, one sentence."""

    index: int
    item_id: str
    message: str
    # Where the item starts in the file (0 when the file was read whole).
    line: int = 0


@dataclass(frozen=True, slots=True)
class ImportBatch:
    """What an imported file held: its format, the records read and the items left out."""

    format: ImportFormat
    records: tuple[AnnotationRecord, ...]
    problems: tuple[ImportProblem, ...]


class _BadItem(Exception):
    """One item that cannot become a record; the message is a plain sentence."""


_kind = kind_of
_types = types_of


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(obj: Mapping[str, Any], key: str, *, default: str | None = None) -> str:
    if key not in obj:
        if default is None:
            raise _BadItem(f"It has no {key!r} field.")
        return default
    value = obj[key]
    if not isinstance(value, str):
        raise _BadItem(f"Its {key!r} field must be text, not {_kind(value)}.")
    return value


def _integer(obj: Mapping[str, Any], key: str) -> int:
    if key not in obj:
        raise _BadItem(f"It has no {key!r} field.")
    value = obj[key]
    if not _is_int(value):
        raise _BadItem(f"Its {key!r} field must be a whole number, not {_kind(value)}.")
    assert isinstance(value, int)
    return value


def _optional_int(obj: Mapping[str, Any], key: str, *, required: bool) -> int | None:
    if required and key not in obj:
        raise _BadItem(f"It has no {key!r} field.")
    value = obj.get(key)
    if value is not None and not _is_int(value):
        raise _BadItem(f"Its {key!r} field must be a whole number or null, not {_kind(value)}.")
    return value


def _optional_text(obj: Mapping[str, Any], key: str, *, required: bool) -> str | None:
    if required and key not in obj:
        raise _BadItem(f"It has no {key!r} field.")
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise _BadItem(f"Its {key!r} field must be text or null, not {_kind(value)}.")
    return value


def _check_span(start: int, end: int, quote: str, what: str) -> None:
    if start < 0 or end < start:
        raise _BadItem(f"Its {what} span [{start}, {end}) is not a valid span.")
    if end > start and len(quote) != end - start:
        raise _BadItem(
            f"Its {what} quote has {len(quote)} characters but its span [{start}, {end}) "
            f"covers {end - start}."
        )


def _object(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _BadItem(f"{what} must be an object, not {_kind(value)}.")
    return value


# The keys of a Parallax JSON annotation in AnnotationRecord's order, and what each must be.
_JSON_FIELDS: Final = AnnotationRecord._fields
_JSON_VALUES: Final = operator.itemgetter(*_JSON_FIELDS)
_TEXT_FIELDS: Final = tuple(
    number
    for number, name in enumerate(_JSON_FIELDS)
    if name not in {"comparison_id", "document_id", "exercise_id", "tags", "start", "end"}
    and name not in {"relation", "link"}
)


def _plain_record(item: object) -> AnnotationRecord | None:
    """Return the record of an annotation as Parallax writes it, or None to read it slowly.

    None for anything unusual (a link, a wrong type, a missing key): the careful reader
    then finds it or says what is wrong. This path costs a fifth of the careful one.
    """
    if type(item) is not dict:
        return None
    try:
        values = list(_JSON_VALUES(item))
    except KeyError:
        return None
    for number in _TEXT_FIELDS:
        if type(values[number]) is not str:
            return None
    comparison_id, document_id, exercise_id = values[1], values[3], values[9]
    tags, start, end, quote, relation = values[11], values[12], values[13], values[14], values[19]
    if (
        values[20] is not None
        or type(start) is not int
        or type(end) is not int
        or not 0 <= start <= end
        or (end > start and len(quote) != end - start)
        or (comparison_id is not None and type(comparison_id) is not int)
        or (document_id is not None and type(document_id) is not int)
        or (exercise_id is not None and type(exercise_id) is not int)
        or (relation is not None and type(relation) is not str)
        or type(tags) is not list
    ):
        return None
    pairs = []
    for tag in tags:
        if type(tag) is not dict:
            return None
        key, name = tag.get("key"), tag.get("name")
        if type(key) is not str or type(name) is not str:
            return None
        pairs.append((key, name))
    values[11] = tuple(pairs)
    return AnnotationRecord(*values)


def _record_from_json(item: object) -> AnnotationRecord:
    plain = _plain_record(item)
    if plain is not None:
        return plain
    obj = _object(item, "The annotation")
    tags_value = obj.get("tags")
    if not isinstance(tags_value, list):
        raise _BadItem(f"Its 'tags' field must be a list, not {_kind(tags_value)}.")
    tags = []
    for tag in tags_value:
        tag_obj = _object(tag, "Each tag")
        tags.append((_text(tag_obj, "key"), _text(tag_obj, "name")))
    link = None
    if "link" not in obj:
        raise _BadItem("It has no 'link' field.")
    if obj["link"] is not None:
        link_obj = _object(obj["link"], "Its 'link' field")
        link = LinkTarget(
            document_id=_optional_int(link_obj, "document_id", required=True),
            document_title=_text(link_obj, "document_title"),
            start=_integer(link_obj, "start"),
            end=_integer(link_obj, "end"),
            quote=_text(link_obj, "quote"),
        )
        _check_span(link.start, link.end, link.quote, "link")
    record = AnnotationRecord(
        id=_text(obj, "id"),
        comparison_id=_optional_int(obj, "comparison_id", required=True),
        comparison_title=_text(obj, "comparison_title"),
        document_id=_optional_int(obj, "document_id", required=True),
        document_title=_text(obj, "document_title"),
        outlet=_text(obj, "outlet"),
        document_url=_text(obj, "document_url"),
        document_hash=_text(obj, "document_hash"),
        annotator=_text(obj, "annotator"),
        exercise_id=_optional_int(obj, "exercise_id", required=True),
        tag_set=_text(obj, "tag_set"),
        tags=tuple(tags),
        start=_integer(obj, "start"),
        end=_integer(obj, "end"),
        quote=_text(obj, "quote"),
        prefix=_text(obj, "prefix"),
        suffix=_text(obj, "suffix"),
        note=_text(obj, "note"),
        status=_text(obj, "status"),
        relation=_optional_text(obj, "relation", required=True),
        link=link,
        created=_text(obj, "created"),
        updated=_text(obj, "updated"),
    )
    _check_span(record.start, record.end, record.quote, "annotated")
    return record


def _as_list(value: object) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _purposes(body: Mapping[str, Any]) -> set[str]:
    return {value for value in _as_list(body.get("purpose")) if isinstance(value, str)}


@dataclass(frozen=True, slots=True)
class _Selected:
    source: str
    quote: str | None
    prefix: str
    suffix: str
    start: int | None
    end: int | None


def _selected(target: object) -> _Selected:
    if isinstance(target, str):
        return _Selected(target, None, "", "", None, None)
    obj = _object(target, "Each target")
    source = obj.get("source", "")
    if isinstance(source, dict):
        source = source.get("id", "")
    if not isinstance(source, str):
        raise _BadItem(f"Its target's 'source' must be an IRI, not {_kind(source)}.")
    quote: str | None = None
    prefix = suffix = ""
    start: int | None = None
    end: int | None = None
    for selector in _as_list(obj.get("selector")):
        selector_obj = _object(selector, "Each selector")
        types = _types(selector_obj)
        if "TextQuoteSelector" in types and quote is None:
            quote = _text(selector_obj, "exact")
            prefix = _text(selector_obj, "prefix", default="")
            suffix = _text(selector_obj, "suffix", default="")
        elif "TextPositionSelector" in types and start is None:
            start = _integer(selector_obj, "start")
            end = _integer(selector_obj, "end")
    return _Selected(source, quote, prefix, suffix, start, end)


def _creator_name(annotation: Mapping[str, Any]) -> str:
    for creator in _as_list(annotation.get("creator")):
        if isinstance(creator, dict):
            for key in ("name", "nickname"):
                name = creator.get(key)
                if isinstance(name, str) and name:
                    return name
    return ""


def _public_id(annotation: Mapping[str, Any]) -> str:
    value = _text(annotation, "id", default="")
    if value[:9].lower() == "urn:uuid:":
        return value[9:]
    return value


def _times(annotation: Mapping[str, Any]) -> tuple[str, str]:
    return _text(annotation, "created", default=""), _text(annotation, "modified", default="")


def _note(bodies: Sequence[Any], motivations: set[str]) -> str:
    notes = []
    for body in bodies:
        if isinstance(body, dict) and "TextualBody" in _types(body):
            purposes = _purposes(body) or motivations
            if "commenting" in purposes:
                notes.append(_text(body, "value"))
    return "\n\n".join(notes)


def _record_from_parallax_w3c(annotation: Mapping[str, Any]) -> AnnotationRecord:
    targets = _as_list(annotation.get("target"))
    if not targets:
        raise _BadItem("It has no target.")
    main = _selected(targets[0])
    if main.quote is None:
        raise _BadItem("Its target has no TextQuoteSelector.")
    if main.start is None or main.end is None:
        raise _BadItem("Its target has no TextPositionSelector.")
    target = _object(targets[0], "Its target")
    link = None
    if len(targets) > 1:
        linked = _selected(targets[1])
        linked_obj = _object(targets[1], "Its second target")
        if linked.quote is None or linked.start is None or linked.end is None:
            raise _BadItem(
                "Its linked target needs a TextQuoteSelector and a TextPositionSelector."
            )
        link = LinkTarget(
            document_id=_optional_int(linked_obj, _PX + "documentId", required=False),
            document_title=_text(linked_obj, _PX + "documentTitle", default=""),
            start=linked.start,
            end=linked.end,
            quote=linked.quote,
        )
        _check_span(link.start, link.end, link.quote, "link")
    tags: list[tuple[str, str]] = []
    relation: str | None = None
    bodies = _as_list(annotation.get("body"))
    for body in bodies:
        body_obj = _object(body, "Each body")
        purposes = _purposes(body_obj)
        if "tagging" in purposes:
            name = _text(body_obj, "value")
            has_key = _PX + "tag" in body_obj
            key = _text(body_obj, _PX + "tag") if has_key else _slug(name)
            tags.append((key, name))
        elif "classifying" in purposes and relation is None:
            relation = _text(body_obj, "value")
    created, updated = _times(annotation)
    record = AnnotationRecord(
        id=_public_id(annotation),
        comparison_id=_optional_int(annotation, _PX + "comparisonId", required=False),
        comparison_title=_text(annotation, _PX + "comparisonTitle", default=""),
        document_id=_optional_int(target, _PX + "documentId", required=False),
        document_title=_text(target, _PX + "documentTitle", default=""),
        outlet=_text(target, _PX + "outlet", default=""),
        document_url=_text(target, _PX + "documentUrl", default=""),
        document_hash=_text(target, _PX + "documentHash", default=""),
        annotator=_creator_name(annotation),
        exercise_id=_optional_int(annotation, _PX + "exerciseId", required=False),
        tag_set=_text(annotation, _PX + "tagSet", default=""),
        tags=tuple(tags),
        start=main.start,
        end=main.end,
        quote=main.quote,
        prefix=main.prefix,
        suffix=main.suffix,
        note=_note(bodies, set()),
        status=_text(annotation, _PX + "status", default=""),
        relation=relation,
        link=link,
        created=created,
        updated=updated,
    )
    _check_span(record.start, record.end, record.quote, "annotated")
    return record


def _slug(name: str) -> str:
    try:
        return slugify(name)
    except TaxonomyError:
        raise _BadItem(f"Its tag {name!r} has no letters or digits to make a key from.") from None


def _iri_tail(iri: str) -> str:
    tail = iri.rstrip("/").rsplit("#", 1)[-1] if "#" in iri else iri.rstrip("/").rsplit("/", 1)[-1]
    return unquote(tail)


def _foreign_tags(bodies: Sequence[Any], motivations: set[str]) -> list[tuple[str, str]]:
    tags: dict[str, str] = {}
    for body in bodies:
        if isinstance(body, str):
            if "tagging" in motivations:
                name = _iri_tail(body)
                tags.setdefault(_slug(name), name)
            continue
        body_obj = _object(body, "Each body")
        if "tagging" not in (_purposes(body_obj) or motivations):
            continue
        if "value" in body_obj:
            name = _text(body_obj, "value")
        else:
            source = body_obj.get("source", body_obj.get("id"))
            if not isinstance(source, str):
                continue
            name = _iri_tail(source)
        tags.setdefault(_slug(name), name)
    return list(tags.items())


def _record_from_foreign_w3c(annotation: Mapping[str, Any]) -> AnnotationRecord:
    selected = None
    for target in _as_list(annotation.get("target")):
        candidate = _selected(target)
        if candidate.quote is not None or candidate.start is not None:
            selected = candidate
            break
    if selected is None:
        raise _BadItem("Its target has no TextQuoteSelector or TextPositionSelector.")
    motivations = {m.removeprefix("oa:") for m in _as_list(annotation.get("motivation"))}
    bodies = _as_list(annotation.get("body"))
    body_value = annotation.get("bodyValue")
    if isinstance(body_value, str):
        bodies.append({"type": "TextualBody", "value": body_value})
    tags = _foreign_tags(bodies, motivations)
    if not tags:
        raise _BadItem("It has no tagging body.")
    start = selected.start if selected.start is not None else 0
    end = selected.end if selected.end is not None else start
    if start < 0 or end < start:
        raise _BadItem(f"Its span [{start}, {end}) is not a valid span.")
    created, updated = _times(annotation)
    return AnnotationRecord(
        id=_public_id(annotation),
        comparison_id=None,
        comparison_title="",
        document_id=None,
        document_title="",
        outlet="",
        document_url=selected.source,
        document_hash="",
        annotator=_creator_name(annotation),
        exercise_id=None,
        tag_set="",
        tags=tuple(tags),
        start=start,
        end=end,
        quote=selected.quote or "",
        prefix=selected.prefix,
        suffix=selected.suffix,
        note=_note(bodies, motivations),
        status="",
        relation=None,
        link=None,
        created=created,
        updated=updated,
    )


def _record_from_w3c(item: object) -> AnnotationRecord:
    annotation = _object(item, "The annotation")
    if "Annotation" not in _types(annotation):
        raise _BadItem("It is not a W3C Annotation: its type is not 'Annotation'.")
    if any(key.startswith(_PX) for key in annotation):
        return _record_from_parallax_w3c(annotation)
    return _record_from_foreign_w3c(annotation)


def _item_id(item: object) -> str:
    if isinstance(item, dict):
        value = item.get("id")
        if isinstance(value, str):
            return value.removeprefix("urn:uuid:")
    return ""


@dataclass(frozen=True, slots=True)
class ImportItem:
    """One item of an imported file: its place, and the record read or why there is none."""

    index: int
    line: int
    record: AnnotationRecord | None
    problem: ImportProblem | None


class AnnotationReader:
    """Read a Parallax JSON or W3C JSON-LD file one item at a time (see :func:`read_annotations`).

    Iterate once over the reader for its :class:`ImportItem` s, in the order of the file;
    :attr:`format` is known from the first item on. ``source`` is the file's bytes, its text
    or a binary file object, read a megabyte at a time, so memory does not grow with the file.
    A file that cannot be read as a whole raises
    :class:`~annotations.errors.ImportFormatError`, possibly after some items.
    """

    def __init__(
        self, source: BinaryIO | bytes | str, *, max_bytes: int = MAX_IMPORT_BYTES
    ) -> None:
        self._items = JsonItems(source, max_bytes=max_bytes)

    @property
    def format(self) -> ImportFormat | None:
        """Return the file's format once it is known."""
        return self._items.format

    def __iter__(self) -> Iterator[ImportItem]:
        # Ids seen, with the item that had each first: the one thing that grows with the file.
        first_index: dict[str, int] = {}
        json_format: ImportFormat = "parallax-json"
        for index, (item, line) in enumerate(self._items):
            read = _record_from_json if self._items.format == json_format else _record_from_w3c
            try:
                record = read(item)
            except _BadItem as error:
                yield ImportItem(
                    index, line, None, ImportProblem(index, _item_id(item), str(error), line)
                )
                continue
            if record.id:
                first = first_index.setdefault(record.id, index)
                if first != index:
                    message = f"It has a duplicate id: item {first} has the same id."
                    problem = ImportProblem(index, record.id, message, line)
                    yield ImportItem(index, line, None, problem)
                    continue
            yield ImportItem(index, line, record, None)


def read_annotations(data: bytes | str, *, max_bytes: int = MAX_IMPORT_BYTES) -> ImportBatch:
    """Read a Parallax JSON or W3C JSON-LD file of annotations and return what it holds.

    The format is found from the content: Parallax JSON (``"format": "parallax-annotations"``),
    a W3C ``AnnotationCollection`` (every page in the file, as :func:`iter_w3c` writes it), an
    ``AnnotationPage``, one ``Annotation`` or a list of them. An item that cannot be read, or
    whose id came earlier in the file, becomes an :class:`ImportProblem` and the rest are
    still read. A file that cannot be read as a whole (not UTF-8, not JSON, cut short, of
    another shape or version, larger than ``max_bytes``) raises
    :class:`~annotations.errors.ImportFormatError`. :class:`AnnotationReader` reads the same
    a piece at a time, for files of any size.

    Annotations from other tools (no ``parallax:`` keys) need a ``TextQuoteSelector`` or
    ``TextPositionSelector`` and a tagging body. Their records have ``document_id`` None
    and the target's source IRI in ``document_url``; tags are the tagging bodies' values,
    with keys made by :func:`annotations.framing.editing.slugify`; ``start`` = ``end`` = 0
    when only a quote is given; what the file does not say is left empty.
    """
    reader = AnnotationReader(data, max_bytes=max_bytes)
    records: list[AnnotationRecord] = []
    problems: list[ImportProblem] = []
    for item in reader:
        if item.record is not None:
            records.append(item.record)
        elif item.problem is not None:
            problems.append(item.problem)
    return ImportBatch(reader.format or "w3c-jsonld", tuple(records), tuple(problems))
