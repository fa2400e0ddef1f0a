"""Write alignments as JSON or CSV and annotations as CSV, Parallax JSON or W3C JSON-LD.

Every export is a generator of ``str`` chunks that pulls records one at a time (see
:mod:`annotations.exchange.formats`); encode the chunks as UTF-8.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import Final
from urllib.parse import quote as quote_iri

import orjson

from annotations.exchange.formats import _BOM
from annotations.exchange.formats import ALIGNMENT_CSV_COLUMNS
from annotations.exchange.formats import CSV_COLUMNS
from annotations.exchange.formats import FORMAT_NAME
from annotations.exchange.formats import FORMAT_VERSION
from annotations.exchange.formats import PARALLAX_NAMESPACE
from annotations.exchange.formats import W3C_CONTEXT
from annotations.records import Alignment
from annotations.records import AnnotationRecord
from annotations.records import Document

__all__ = [
    "alignment_to_json",
    "document_iri",
    "iter_alignment_csv",
    "iter_csv",
    "iter_json",
    "iter_w3c",
    "record_to_json",
    "record_to_w3c",
    "tag_iri",
    "w3c_context",
]

_CHUNK_SIZE: Final = 64 * 1024
# OWASP's list for CSV injection: a cell starting with one of these may run as a formula.
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST: Final = frozenset(_FORMULA_STARTS)
_TAG_SEPARATOR: Final = "; "
# CSV rows joined into one chunk: about 50 kB.
_CSV_LINES: Final = 128


def _document_to_json(document: Document) -> dict[str, Any]:
    from annotations.text.languages import detect_language

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
    # The aligner (NumPy, RapidFuzz, word lists) is imported by alignment exports only, so an
    # annotation export, and `parallax export` with it, starts without it.
    from annotations.text.align import explain_alignment

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
    from annotations.text.align import explain_alignment
    from annotations.text.languages import detect_language

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
    fields are ``parallax:`` keys, so
    :func:`~annotations.exchange.importing.read_annotations` gives the record back.
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
