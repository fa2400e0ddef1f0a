"""Read annotations from Parallax JSON or W3C JSON-LD, from Parallax or another tool."""

from __future__ import annotations

import json
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from annotations.errors import ImportFormatError
from annotations.errors import InputError
from annotations.exchange.formats import _BOM
from annotations.exchange.formats import _PX
from annotations.exchange.formats import FORMAT_NAME
from annotations.exchange.formats import FORMAT_VERSION
from annotations.exchange.formats import MAX_IMPORT_BYTES
from annotations.exchange.formats import ImportFormat
from annotations.framing.editing import slugify
from annotations.framing.taxonomy import TaxonomyError
from annotations.records import AnnotationRecord
from annotations.records import LinkTarget
from annotations.text.untrusted import check_json_value
from annotations.text.untrusted import parse_json_int

__all__ = [
    "ImportBatch",
    "ImportProblem",
    "read_annotations",
]


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """Why one item of an imported file was left out: its place, its id if any, one sentence."""

    index: int
    item_id: str
    message: str


@dataclass(frozen=True, slots=True)
class ImportBatch:
    """What an imported file held: its format, the records read and the items left out."""

    format: ImportFormat
    records: tuple[AnnotationRecord, ...]
    problems: tuple[ImportProblem, ...]


class _BadItem(Exception):
    """One item that cannot become a record; the message is a plain sentence."""


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


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


def _record_from_json(item: object) -> AnnotationRecord:
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


def _types(obj: Mapping[str, Any]) -> set[str]:
    values = _as_list(obj.get("type", obj.get("@type")))
    return {value.removeprefix("oa:") for value in values if isinstance(value, str)}


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


def _decode(data: bytes | str, max_bytes: int) -> str:
    if isinstance(data, str):
        size = len(data) if len(data) > max_bytes else len(data.encode("utf-8", "surrogatepass"))
    else:
        size = len(data)
    if size > max_bytes:
        # Callers read at most one byte past the limit, so the size read is not the file's.
        raise ImportFormatError(
            f"the file is over the limit of {max_bytes} bytes ({max_bytes / 2**20:g} MiB)"
        )
    if isinstance(data, str):
        return data.removeprefix(_BOM)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFormatError(
            f"the file is not UTF-8 text: byte {data[error.start]:#04x} at offset {error.start}"
        ) from None


def _reject_constant(name: str) -> Any:
    raise ImportFormatError(f"not valid JSON: {name} is not a JSON number")


def _parse_json(text: str) -> Any:
    if not text.strip():
        raise ImportFormatError("the file is empty")
    try:
        value = json.loads(text, parse_constant=_reject_constant, parse_int=parse_json_int)
    except RecursionError:
        raise ImportFormatError("not valid JSON: nested too deeply to read") from None
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        if error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string"):
            raise ImportFormatError(
                f"the file ends in the middle of its JSON (truncated?): {error.msg} at {where}"
            ) from None
        raise ImportFormatError(f"not valid JSON at {where}: {error.msg}") from None
    except ValueError as error:
        # parse_json_int refused a number with thousands of digits.
        raise ImportFormatError(f"not valid JSON: {error}") from None
    try:
        # A NUL, a lone surrogate or a number no database column holds, named by its place.
        return check_json_value(value)
    except InputError as error:
        raise ImportFormatError(
            f"{error.field}: {error.problem}" if error.field else error.problem
        ) from None


def _page_items(first: object, included: Sequence[Any]) -> list[Any]:
    pages: dict[str, Mapping[str, Any]] = {}
    for node in included:
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            pages[node["id"]] = node
    items: list[Any] = []
    seen: set[str] = set()
    page: object = first
    while page is not None:
        if isinstance(page, str):
            if page not in pages:
                raise ImportFormatError(
                    f"the page {page} is not in this file; import a file that holds every page"
                )
            page = pages[page]
        if not isinstance(page, dict) or "AnnotationPage" not in _types(page):
            raise ImportFormatError("a page of the collection is not an AnnotationPage object")
        page_id = page.get("id")
        if isinstance(page_id, str):
            if page_id in seen:
                raise ImportFormatError(f"the pages loop: {page_id} comes back after itself")
            seen.add(page_id)
        page_items = page.get("items")
        if not isinstance(page_items, list):
            raise ImportFormatError(f"the page {page_id} has no 'items' list")
        items.extend(page_items)
        page = page.get("next")
    unread = sorted(set(pages) - seen)
    if unread:
        raise ImportFormatError(f"the page {unread[0]} is in the file but no 'next' leads to it")
    return items


def _top_level_items(value: Any) -> tuple[ImportFormat, list[Any]]:
    if isinstance(value, list):
        return "w3c-jsonld", value
    if not isinstance(value, dict):
        raise ImportFormatError(
            f"the file holds {_kind(value)}; expected an object or a list of annotations"
        )
    if "format" in value:
        if value["format"] != FORMAT_NAME:
            raise ImportFormatError(
                f"unknown format {value['format']!r}: expected {FORMAT_NAME!r} or W3C JSON-LD"
            )
        version = value.get("version")
        if not _is_int(version) or version != FORMAT_VERSION:
            raise ImportFormatError(
                f"unknown {FORMAT_NAME} version {version!r}: this Parallax reads version "
                f"{FORMAT_VERSION}"
            )
        annotations = value.get("annotations")
        if not isinstance(annotations, list):
            raise ImportFormatError(
                f"the 'annotations' field must be a list, not {_kind(annotations)}"
            )
        return "parallax-json", annotations
    types = _types(value)
    included = _as_list(value.get("@included"))
    if "AnnotationCollection" in types:
        items = _page_items(value.get("first"), included)
        total = value.get("total")
        if _is_int(total) and total != len(items):
            raise ImportFormatError(
                f"the collection's total is {total} but its pages hold {len(items)} annotations"
            )
        return "w3c-jsonld", items
    if "AnnotationPage" in types:
        return "w3c-jsonld", _page_items(value, included)
    if "Annotation" in types:
        return "w3c-jsonld", [value]
    raise ImportFormatError(
        "the top-level object is neither Parallax JSON nor a W3C Annotation, "
        "AnnotationPage or AnnotationCollection"
    )


def _item_id(item: object) -> str:
    if isinstance(item, dict):
        value = item.get("id")
        if isinstance(value, str):
            return value.removeprefix("urn:uuid:")
    return ""


def read_annotations(data: bytes | str, *, max_bytes: int = MAX_IMPORT_BYTES) -> ImportBatch:
    """Read a Parallax JSON or W3C JSON-LD file of annotations and return what it holds.

    The format is found from the content: Parallax JSON (``"format": "parallax-annotations"``),
    a W3C ``AnnotationCollection`` (every page in the file, as :func:`iter_w3c` writes it), an
    ``AnnotationPage``, one ``Annotation`` or a list of them. An item that cannot be read, or
    whose id came earlier in the file, becomes an :class:`ImportProblem` and the rest are
    still read. A file that cannot be read as a whole (not UTF-8, not JSON, cut short, of
    another shape or version, larger than ``max_bytes``) raises
    :class:`~annotations.errors.ImportFormatError`.

    Annotations from other tools (no ``parallax:`` keys) need a ``TextQuoteSelector`` or
    ``TextPositionSelector`` and a tagging body. Their records have ``document_id`` None
    and the target's source IRI in ``document_url``; tags are the tagging bodies' values,
    with keys made by :func:`annotations.framing.editing.slugify`; ``start`` = ``end`` = 0
    when only a quote is given; what the file does not say is left empty.
    """
    format_name, items = _top_level_items(_parse_json(_decode(data, max_bytes)))
    read = _record_from_json if format_name == "parallax-json" else _record_from_w3c
    records: list[AnnotationRecord] = []
    problems: list[ImportProblem] = []
    first_index: dict[str, int] = {}
    for index, item in enumerate(items):
        try:
            record = read(item)
        except _BadItem as error:
            problems.append(ImportProblem(index, _item_id(item), str(error)))
            continue
        if record.id and record.id in first_index:
            problems.append(
                ImportProblem(
                    index,
                    record.id,
                    f"It has a duplicate id: item {first_index[record.id]} has the same id.",
                )
            )
            continue
        if record.id:
            first_index[record.id] = index
        records.append(record)
    return ImportBatch(format_name, tuple(records), tuple(problems))
