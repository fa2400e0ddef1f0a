"""Export and import formats: alignments as JSON or CSV, annotations as CSV, JSON or W3C JSON-LD.

Offsets are Python string indices (code points) into each document's ``text``.

CSV is for reading in a spreadsheet: cells that a spreadsheet would run as a formula are
escaped and some fields are left out, so it is not read back. Parallax JSON and W3C Web
Annotation JSON-LD carry every field of :class:`~annotations.records.AnnotationRecord`;
:func:`read_annotations` gives back records equal to the ones exported.

Exports are generators of ``str`` chunks (a few tens of kilobytes each) that pull records
one at a time, so an export of any size streams in little memory; encode the chunks as UTF-8.
"""

from __future__ import annotations

import csv
import functools
import io
import json
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from typing import Final
from typing import Literal
from urllib.parse import quote as quote_iri
from urllib.parse import unquote

import orjson

from annotations.errors import ImportFormatError
from annotations.framing.taxonomy import TaxonomyError
from annotations.framing.taxonomy import slugify
from annotations.records import Alignment
from annotations.records import AnnotationRecord
from annotations.records import Document
from annotations.records import LinkTarget
from annotations.text.align import explain_alignment
from annotations.text.languages import detect_language

FORMAT_NAME: Final = "parallax-annotations"
FORMAT_VERSION: Final = 1
W3C_CONTEXT: Final = "http://www.w3.org/ns/anno.jsonld"
# Readers match the compact "parallax:" keys, so files keep importing if this IRI changes.
PARALLAX_NAMESPACE: Final = "https://parallax.invalid/ns#"
# 100,000 annotations take about 120 MB as W3C JSON-LD; reading costs about 2.5 times the size.
MAX_IMPORT_BYTES: Final = 256 * 1024 * 1024

CSV_COLUMNS: Final = (
    "annotation_id",
    "comparison_id",
    "comparison",
    "document_id",
    "document",
    "outlet",
    "annotator",
    "exercise_id",
    "tag_set",
    "tags",
    "tag_names",
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "linked_document_id",
    "linked_start",
    "linked_end",
    "linked_quote",
    "relation",
    "note",
    "status",
    "created",
    "updated",
)
ALIGNMENT_CSV_COLUMNS: Final = (
    "kind",
    "score",
    "a_start",
    "a_end",
    "a_text",
    "b_start",
    "b_end",
    "b_text",
    "confidence",
    "evidence",
    "a_language",
    "b_language",
)

ImportFormat = Literal["parallax-json", "w3c-jsonld"]

_BOM: Final = "\ufeff"
_CHUNK_SIZE: Final = 64 * 1024
# OWASP's list for CSV injection: a cell starting with one of these may run as a formula.
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST: Final = frozenset(_FORMULA_STARTS)
_TAG_SEPARATOR: Final = "; "
# CSV rows joined into one chunk: about 50 kB.
_CSV_LINES: Final = 128
_PX: Final = "parallax:"


def _document_to_json(document: Document) -> dict[str, Any]:
    return {
        "path": document.path or "",
        "length": len(document.text),
        "language": detect_language(document.text),
    }


def alignment_to_json(alignment: Alignment, a: Document, b: Document) -> dict[str, Any]:
    """Return the alignment of ``a`` and ``b`` as the documented ``parallax align --json`` dict.

    Keys come in a fixed order: ``a``, ``b``, ``pairs``, ``only_a``, ``only_b``; each span is
    ``[start, end]`` and each score is rounded to one decimal. Each pair lists its
    ``evidence`` (never empty) and ``confidence``; ``a`` and ``b`` give their ``language``.
    """
    alignment = explain_alignment(alignment, a, b)
    return {
        "a": _document_to_json(a),
        "b": _document_to_json(b),
        "pairs": [
            {
                "a": pair.a.as_list(),
                "b": pair.b.as_list(),
                "score": round(float(pair.score), 1),
                "kind": pair.kind,
                "evidence": list(pair.evidence),
                "confidence": pair.confidence,
            }
            for pair in alignment.pairs
        ],
        "only_a": [span.as_list() for span in alignment.only_a],
        "only_b": [span.as_list() for span in alignment.only_b],
    }


# -- chunked output --------------------------------------------------------------------------


class _Chunks:
    """Gather small strings and hand them out joined, about ``_CHUNK_SIZE`` at a time."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._size = 0

    def add(self, text: str) -> str | None:
        self._parts.append(text)
        self._size += len(text)
        return self.take() if self._size >= _CHUNK_SIZE else None

    def take(self) -> str:
        text = "".join(self._parts)
        self._parts.clear()
        self._size = 0
        return text


def _dumps(value: Any) -> str:
    """Return compact JSON with non-ASCII text as it is.

    orjson rather than the json module, which takes six times as long: over a second of a
    100,000-annotation W3C export.
    """
    return orjson.dumps(value).decode()


# -- CSV -------------------------------------------------------------------------------------


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _csv_chunks(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    yield _BOM + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for row in rows:
        writer.writerow([_cell(value) for value in row])
        if buffer.tell() >= _CHUNK_SIZE:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def _guard(text: str) -> str:
    return "'" + text if text[:1] in _FORMULA_FIRST else text


def _quoted(text: str) -> str:
    """Return a text cell as ``csv.writer`` writes it with minimal quoting."""
    if '"' in text:
        return '"' + text.replace('"', '""') + '"'
    if "," in text or "\n" in text or "\r" in text:
        return '"' + text + '"'
    return text


class _Shared(dict[str, str]):
    """Guarded, quoted cells of the few values many rows share (titles, names, tags)."""

    def __missing__(self, text: str) -> str:
        if len(self) > 10_000:
            self.clear()
        value = self[text] = _quoted(_guard(text))
        return value


def _csv_lines(records: Iterable[AnnotationRecord]) -> Iterator[str]:
    """Yield the CSV rows of ``records``, many rows to a string."""
    # Written by hand rather than with csv.writer, which looks at each character on its own
    # (0.9 s of a 100,000-row export) where a few str scans per cell do here. The rows are
    # byte for byte csv.writer's with minimal quoting and "\r\n"; a test compares the two.
    first = _FORMULA_FIRST
    shared = _Shared()
    join = _TAG_SEPARATOR.join
    lines: list[str] = []
    # A record is a named tuple: unpacking it is quicker than reading 23 attributes.
    for (
        public_id,
        comparison_id,
        comparison_title,
        document_id,
        document_title,
        outlet,
        _document_url,
        _document_hash,
        annotator,
        exercise_id,
        tag_set,
        tags,
        start,
        end,
        quote,
        prefix,
        suffix,
        note,
        status,
        relation,
        link,
        created,
        updated,
    ) in records:
        if len(tags) == 1:
            tag_keys, tag_names = tags[0]
        else:
            tag_keys = join([key for key, _ in tags])
            tag_names = join([name for _, name in tags])
        if quote[:1] in first:
            quote = "'" + quote
        if prefix[:1] in first:
            prefix = "'" + prefix
        if suffix[:1] in first:
            suffix = "'" + suffix
        if note[:1] in first:
            note = "'" + note
        # Ids and times need neither guard nor quotes unless they were made elsewhere.
        stamps = public_id + created + updated
        if (
            '"' in stamps
            or "," in stamps
            or "\n" in stamps
            or "\r" in stamps
            or public_id[:1] in first
            or created[:1] in first
            or updated[:1] in first
        ):
            public_id, created, updated = (shared[value] for value in (public_id, created, updated))
        lines.append(
            ",".join(
                (
                    public_id,
                    "" if comparison_id is None else str(comparison_id),
                    shared[comparison_title],
                    "" if document_id is None else str(document_id),
                    shared[document_title],
                    shared[outlet],
                    shared[annotator],
                    "" if exercise_id is None else str(exercise_id),
                    shared[tag_set],
                    shared[tag_keys],
                    shared[tag_names],
                    str(start),
                    str(end),
                    _quoted(quote),
                    _quoted(prefix),
                    _quoted(suffix),
                    ",," if link is None else f"{link.document_id},{link.start},{link.end}",
                    "" if link is None else _quoted(_guard(link.quote)),
                    "" if relation is None else shared[relation],
                    _quoted(note),
                    shared[status],
                    created,
                    updated,
                )
            )
        )
        if len(lines) == _CSV_LINES:
            yield "\r\n".join(lines) + "\r\n"
            lines.clear()
    if lines:
        yield "\r\n".join(lines) + "\r\n"


def _record_rows(records: Iterable[AnnotationRecord]) -> Iterator[str]:
    yield _BOM + ",".join(_quoted(name) for name in CSV_COLUMNS) + "\r\n"
    yield from _csv_lines(records)


def iter_csv(records: Iterable[AnnotationRecord]) -> Iterator[str]:
    """Yield the annotations as CSV for spreadsheets: a BOM and header, then one row each.

    Columns are :data:`CSV_COLUMNS`; tag keys and names are joined by ``"; "``; None is an
    empty cell. A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return gets a leading apostrophe so spreadsheets show it rather than run it, which
    changes the text: import JSON or W3C JSON-LD instead, never this CSV.
    """
    return _record_rows(records)


def _alignment_rows(alignment: Alignment, a: Document, b: Document) -> Iterator[list[object]]:
    alignment = explain_alignment(alignment, a, b)
    languages = [detect_language(a.text), detect_language(b.text)]
    for pair in alignment.pairs:
        yield [
            pair.kind,
            f"{float(pair.score):.1f}",
            int(pair.a.start),
            int(pair.a.end),
            pair.a.slice(a.text),
            int(pair.b.start),
            int(pair.b.end),
            pair.b.slice(b.text),
            pair.confidence or "",
            _TAG_SEPARATOR.join(pair.evidence),
            *languages,
        ]
    for span in alignment.only_a:
        yield [
            "only_a", "", int(span.start), int(span.end), span.slice(a.text), "", "", "", "", "",
            *languages,
        ]  # fmt: skip
    for span in alignment.only_b:
        yield [
            "only_b", "", "", "", "", int(span.start), int(span.end), span.slice(b.text), "", "",
            *languages,
        ]  # fmt: skip


def iter_alignment_csv(alignment: Alignment, a: Document, b: Document) -> Iterator[str]:
    """Yield the alignment as CSV: a BOM and header, the pairs, then the one-sided passages.

    Columns are :data:`ALIGNMENT_CSV_COLUMNS`. ``kind`` is the pair kind, or ``only_a`` /
    ``only_b`` for a passage found in one document, whose other side stays empty. A pair's
    ``evidence`` items are joined by ``"; "``; each row gives both documents' languages. Scores
    have one decimal. Text cells are guarded against formulas as in :func:`iter_csv`.
    """
    return _csv_chunks(ALIGNMENT_CSV_COLUMNS, _alignment_rows(alignment, a, b))


# -- Parallax JSON ---------------------------------------------------------------------------


def record_to_json(record: AnnotationRecord) -> dict[str, Any]:
    """Return the record as the JSON-ready dict that Parallax JSON holds for each annotation."""
    link = record.link
    return {
        "id": record.id,
        "comparison_id": record.comparison_id,
        "comparison_title": record.comparison_title,
        "document_id": record.document_id,
        "document_title": record.document_title,
        "outlet": record.outlet,
        "document_url": record.document_url,
        "document_hash": record.document_hash,
        "annotator": record.annotator,
        "exercise_id": record.exercise_id,
        "tag_set": record.tag_set,
        "tags": [{"key": key, "name": name} for key, name in record.tags],
        "start": record.start,
        "end": record.end,
        "quote": record.quote,
        "prefix": record.prefix,
        "suffix": record.suffix,
        "note": record.note,
        "status": record.status,
        "relation": record.relation,
        "link": None
        if link is None
        else {
            "document_id": link.document_id,
            "document_title": link.document_title,
            "start": link.start,
            "end": link.end,
            "quote": link.quote,
        },
        "created": record.created,
        "updated": record.updated,
    }


def iter_json(records: Iterable[AnnotationRecord], *, meta: Mapping[str, Any]) -> Iterator[str]:
    """Yield Parallax JSON: ``format``, ``version``, the ``meta`` keys, then ``annotations``.

    Each annotation is :func:`record_to_json` on a line of its own. ``meta`` (who exported
    what, when) must be JSON-ready and must not use the keys ``format``, ``version`` or
    ``annotations``.
    """
    clash = sorted({"format", "version", "annotations"} & set(meta))
    if clash:
        raise ValueError(f"meta must not set {', '.join(clash)}")
    return _json_chunks(records, {"format": FORMAT_NAME, "version": FORMAT_VERSION, **meta})


def _json_chunks(records: Iterable[AnnotationRecord], head: dict[str, Any]) -> Iterator[str]:
    yield _dumps(head)[:-1] + ',"annotations":['
    chunks = _Chunks()
    separator = "\n"
    for record in records:
        if (chunk := chunks.add(separator + _dumps(record_to_json(record)))) is not None:
            yield chunk
        separator = ",\n"
    yield chunks.take() + "\n]}\n"


# -- W3C Web Annotation JSON-LD --------------------------------------------------------------


def w3c_context() -> list[Any]:
    """Return the ``@context`` of a Parallax W3C export: the W3C context and the prefix."""
    return [W3C_CONTEXT, {"parallax": PARALLAX_NAMESPACE}]


def document_iri(base_url: str, document_id: int) -> str:
    """Return the IRI that names a document in W3C exports."""
    return f"{base_url.rstrip('/')}/documents/{document_id}"


# An export names the same few tags and relations over and over; quoting them is not free.
@functools.lru_cache(maxsize=4096)
def tag_iri(base_url: str, tag_set: str, key: str) -> str:
    """Return the IRI that names a tag of a tag set in W3C exports."""
    tag_set_part, key_part = quote_iri(tag_set, safe=""), quote_iri(key, safe="")
    return f"{base_url.rstrip('/')}/tag-sets/{tag_set_part}#{key_part}"


@functools.lru_cache(maxsize=256)
def _relation_iri(base: str, relation: str) -> str:
    return f"{base}/relations#{quote_iri(relation, safe='')}"


def _quote_selectors(quote: str, prefix: str, suffix: str, start: int, end: int) -> list[Any]:
    text_quote: dict[str, Any] = {"type": "TextQuoteSelector", "exact": quote}
    if prefix:
        text_quote["prefix"] = prefix
    if suffix:
        text_quote["suffix"] = suffix
    return [text_quote, {"type": "TextPositionSelector", "start": start, "end": end}]


def record_to_w3c(record: AnnotationRecord, *, base_url: str) -> dict[str, Any]:
    """Return the record as one W3C Web Annotation (without ``@context``).

    Standard terms carry what the Web Annotation vocabulary has a term for; the other
    fields are ``parallax:`` keys, so :func:`read_annotations` gives the record back.
    """
    base = base_url.rstrip("/")
    annotation: dict[str, Any] = {
        "id": f"urn:uuid:{record.id}",
        "type": "Annotation",
        "motivation": "linking" if record.link is not None else "tagging",
    }
    if record.created:
        annotation["created"] = record.created
    if record.updated:
        annotation["modified"] = record.updated
    if record.annotator:
        annotation["creator"] = {"type": "Person", "name": record.annotator}
    body: list[dict[str, Any]] = [
        {
            "id": tag_iri(base, record.tag_set, key),
            "type": "TextualBody",
            "purpose": "tagging",
            "value": name,
            "parallax:tag": key,
        }
        for key, name in record.tags
    ]
    if record.relation is not None:
        body.append(
            {
                "id": _relation_iri(base, record.relation),
                "type": "TextualBody",
                "purpose": "classifying",
                "value": record.relation,
            }
        )
    if record.note:
        body.append(
            {
                "type": "TextualBody",
                "purpose": "commenting",
                "value": record.note,
                "format": "text/plain",
            }
        )
    annotation["body"] = body
    source = (
        document_iri(base, record.document_id)
        if record.document_id is not None
        else record.document_url
    )
    targets: list[dict[str, Any]] = [
        {
            "type": "SpecificResource",
            "source": source,
            "selector": _quote_selectors(
                record.quote, record.prefix, record.suffix, record.start, record.end
            ),
            "parallax:documentId": record.document_id,
            "parallax:documentTitle": record.document_title,
            "parallax:outlet": record.outlet,
            "parallax:documentUrl": record.document_url,
            "parallax:documentHash": record.document_hash,
        }
    ]
    link = record.link
    if link is not None:
        targets.append(
            {
                "type": "SpecificResource",
                "source": document_iri(base, link.document_id)
                if link.document_id is not None
                else "",
                "selector": _quote_selectors(link.quote, "", "", link.start, link.end),
                "parallax:documentId": link.document_id,
                "parallax:documentTitle": link.document_title,
            }
        )
    annotation["target"] = targets
    annotation["parallax:tagSet"] = record.tag_set
    annotation["parallax:status"] = record.status
    annotation["parallax:comparisonId"] = record.comparison_id
    annotation["parallax:comparisonTitle"] = record.comparison_title
    annotation["parallax:exerciseId"] = record.exercise_id
    return annotation


def _page_id(collection_id: str, number: int) -> str:
    joiner = "&" if "?" in collection_id else "?"
    return f"{collection_id}{joiner}page={number}"


def _page_head(collection_id: str, number: int, start_index: int) -> str:
    head: dict[str, Any] = {
        "id": _page_id(collection_id, number),
        "type": "AnnotationPage",
        "partOf": collection_id,
        "startIndex": start_index,
    }
    if number:
        head["prev"] = _page_id(collection_id, number - 1)
    return _dumps(head)[:-1] + ',"items":['


def iter_w3c(
    records: Iterable[AnnotationRecord],
    *,
    collection_id: str,
    base_url: str,
    label: str,
    page_size: int | None = None,
) -> Iterator[str]:
    """Yield a W3C ``AnnotationCollection`` in JSON-LD that holds every annotation.

    Each annotation is :func:`record_to_w3c`. Without ``page_size`` one page, embedded as
    ``first``, holds them all. With it, pages of ``page_size`` follow each other: page 0 is
    embedded as ``first``, pages 1 and on are in the collection's ``@included`` array (the
    JSON-LD 1.1 keyword for nodes kept in the same file). Each page has ``id``
    (``<collection_id>?page=<n>``), ``partOf``, ``startIndex``, ``items`` and the ``prev``/
    ``next`` page ids. To read the file back, start at ``first`` and follow each ``next``
    to the page with that ``id`` in ``@included``. ``total`` and ``last`` come at the end,
    once they are known; an empty collection has ``total`` 0 and no pages.
    """
    if page_size is not None and page_size < 1:
        raise ValueError("page_size must be at least 1")
    head = {"@context": w3c_context(), "id": collection_id, "type": "AnnotationCollection"}
    head["label"] = label
    return _w3c_chunks(iter(records), _dumps(head)[:-1], collection_id, base_url, page_size)


def _w3c_chunks(
    records: Iterator[AnnotationRecord],
    head: str,
    collection_id: str,
    base_url: str,
    page_size: int | None,
) -> Iterator[str]:
    # The head goes out before the first record is read, which may wait on a database.
    yield head
    record = next(records, None)
    if record is None:
        yield ',"total":0}\n'
        return
    yield ',"first":' + _page_head(collection_id, 0, 0)
    chunks = _Chunks()
    page = count = 0
    separator = "\n"
    while record is not None:
        following = next(records, None)
        text = separator + _dumps(record_to_w3c(record, base_url=base_url))
        count += 1
        separator = ",\n"
        if following is not None and page_size is not None and count % page_size == 0:
            text += f'\n],"next":{_dumps(_page_id(collection_id, page + 1))}}}'
            text += ',"@included":[\n' if page == 0 else ",\n"
            page += 1
            text += _page_head(collection_id, page, count)
            separator = "\n"
        if (chunk := chunks.add(text)) is not None:
            yield chunk
        record = following
    tail = "\n]}" + ("\n]" if page else "")
    tail += f',"total":{count},"last":{_dumps(_page_id(collection_id, page))}}}\n'
    yield chunks.take() + tail


# -- import ----------------------------------------------------------------------------------


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
        raise ImportFormatError(f"the file is {size} bytes, over the limit of {max_bytes} bytes")
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
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise ImportFormatError("not valid JSON: nested too deeply to read") from None
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        if error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string"):
            raise ImportFormatError(
                f"the file ends in the middle of its JSON (truncated?): {error.msg} at {where}"
            ) from None
        raise ImportFormatError(f"not valid JSON at {where}: {error.msg}") from None


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
    with keys made by :func:`annotations.framing.taxonomy.slugify`; ``start`` = ``end`` = 0
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
