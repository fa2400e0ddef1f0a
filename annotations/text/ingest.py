"""Turn bytes, text, HTML and files into Documents.

Text and Markdown are kept exactly as given: every offset the rest of Parallax computes
points into that string. HTML is reduced to its main text with trafilatura (boilerplate,
scripts and styles removed), and the HTML itself is kept in ``Document.source``.
"""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import html
import json
import os
import re
from pathlib import Path
from typing import Any

import nh3

from annotations.errors import BinaryInputError
from annotations.errors import DecodingError
from annotations.errors import EmptyInputError
from annotations.errors import InputError
from annotations.errors import InputTooLargeError
from annotations.errors import UnsupportedFormatError
from annotations.records import Document
from annotations.records import DocumentMeta
from annotations.records import SourceFormat
from annotations.text.languages import detect_language
from annotations.text.segment import segment_text
from annotations.text.untrusted import text_problem

__all__ = [
    "EXTENSIONS",
    "MAX_BYTES",
    "MAX_HTML_DEPTH",
    "decode_bytes",
    "format_for_filename",
    "html_depth",
    "ingest_bytes",
    "ingest_text",
    "looks_like_html",
    "read_document",
    "read_manifest",
]

MAX_BYTES = 5 * 1024 * 1024

EXTENSIONS: dict[str, SourceFormat] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}

# C0 and C1 control characters other than the whitespace ones text files use.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# Real text holds at most a stray control character; binary data holds many.
_MAX_CONTROL_SHARE = 0.05
_HTML_START = re.compile(
    r"\A\s*(?:<!--.*?-->\s*)*"
    r"<(?:!doctype\s+html|html|head|body|meta|title|article|main|div|p|h[1-6])\b",
    re.IGNORECASE | re.DOTALL,
)
# Tags whose contents are never article text, even when trafilatura finds nothing.
_DROPPED_CONTENT = {
    "script",
    "style",
    "head",
    "title",
    "noscript",
    "template",
    "iframe",
    "object",
    "svg",
    "math",
    "nav",
    "footer",
    "aside",
    "form",
    "button",
    "select",
    "textarea",
}
_BLOCK_TAG = re.compile(
    r"<\s*/?\s*(?:p|div|h[1-6]|li|ul|ol|dl|dt|dd|blockquote|pre|article|section|header|main"
    r"|table|tr|figure|figcaption|hr|br)\b[^>]*>",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[ \t\f\v\r\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _check_binary(text: str) -> None:
    if "\x00" in text:
        raise BinaryInputError("input looks like binary data (it contains NUL bytes), not text")
    if text and len(_CONTROL.findall(text)) > _MAX_CONTROL_SHARE * len(text):
        raise BinaryInputError(
            "input looks like binary data (too many control characters), not text"
        )


def decode_bytes(data: bytes) -> str:
    """Decode ``data`` as UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252.

    The order is fixed so the same bytes always give the same text. A UTF-8 BOM is
    removed; every other character is kept, line endings included.

    >>> decode_bytes("caf\\u00e9".encode("cp1252"))
    'café'
    """
    if data.startswith(codecs.BOM_UTF8):
        try:
            text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DecodingError(
                f"input starts with a UTF-8 byte order mark but is not valid UTF-8 "
                f"(bad byte at position {exc.start + len(codecs.BOM_UTF8)})"
            ) from exc
        _check_binary(text)
        return text
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DecodingError(
                "input starts with a UTF-16 byte order mark but is not valid UTF-16"
            ) from exc
        _check_binary(text)
        return text
    if b"\x00" in data:
        raise BinaryInputError("input looks like binary data (it contains NUL bytes), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise DecodingError(
                f"input is neither UTF-8, UTF-16 nor Windows-1252 text "
                f"(undecodable byte 0x{data[exc.start]:02x} at position {exc.start})"
            ) from exc
    _check_binary(text)
    return text


def _inline_text(element: Any) -> str:
    """Return the text of one extracted block, with ``<lb/>`` kept as line breaks."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if node.tag == "lb":
            parts.append("\n")
        elif node.text:
            parts.append(node.text)
        if node.tag != "lb":
            for child in node:
                walk(child)
        if node is not element and node.tail:
            parts.append(node.tail)

    walk(element)
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _blocks(element: Any) -> list[str]:
    """Return the paragraphs of trafilatura's XML body: one string per block or heading."""
    blocks: list[str] = []
    for child in element:
        if child.tag in ("list", "table") or (
            child.tag in ("quote", "div") and any(c.tag in ("p", "list", "head") for c in child)
        ):
            blocks.extend(_blocks(child))
        elif child.tag == "row":
            cells = (_inline_text(cell) for cell in child)
            row = " | ".join(cell for cell in cells if cell)
            if row:
                blocks.append(row)
        elif child.tag == "graphic":
            continue
        else:
            text = _inline_text(child)
            if text:
                blocks.append(text)
    return blocks


def _strip_tags(source: str) -> str:
    """Return the text of ``source`` with every tag removed, blocks on their own lines."""
    marked = _BLOCK_TAG.sub(lambda m: "\n\n" + m.group(0), source)
    cleaned = html.unescape(nh3.clean(marked, tags=set(), clean_content_tags=_DROPPED_CONTENT))
    lines = (_SPACES.sub(" ", line).strip() for line in cleaned.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


# Deeper than any real page (news sites nest 20-40 levels); parsing time grows faster than
# the depth, and 60,000 levels would hold a worker for minutes.
MAX_HTML_DEPTH = 400
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^>]*?(/?)>")
# Elements that never hold others, or that HTML closes by itself (so pages leave them open).
_NOT_NESTING = frozenset(
    "area base br col embed hr img input link meta param source track wbr "
    "p li dt dd tr td th option optgroup thead tbody tfoot colgroup rp rt html head body".split()
)


def html_depth(source: str, *, limit: int = MAX_HTML_DEPTH) -> int:
    """Return how deep ``source``'s elements nest, counting no further than ``limit + 1``.

    A scan of the tags, not a parse: it runs before the parser, whose time depends on it.
    Elements HTML closes by itself (``p``, ``li``, ...) and empty ones are not counted.

    >>> html_depth("<div><section><p>one</section></div>")
    2
    """
    depth = deepest = 0
    for match in _TAG.finditer(source):
        closing, name, self_closing = match.groups()
        if self_closing or name.lower() in _NOT_NESTING:
            continue
        if closing:
            depth = max(0, depth - 1)
            continue
        depth += 1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest


def _extract_html(source: str) -> tuple[str, DocumentMeta]:
    """Return the main text of an HTML page and the metadata found in it."""
    if len(source) > MAX_BYTES:
        raise InputTooLargeError(
            f"the HTML is {len(source)} characters; the limit is {MAX_BYTES} characters"
        )
    if html_depth(source) > MAX_HTML_DEPTH:
        raise InputError(
            f"the HTML nests its elements more than {MAX_HTML_DEPTH} levels deep, "
            "which no article needs; save the page's text as a .txt file instead"
        )
    # Imported here: trafilatura takes 0.3-0.5 s to import, and plain text never needs it.
    import trafilatura
    from trafilatura.settings import set_date_params

    result = trafilatura.bare_extraction(
        source,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        include_formatting=False,
        # Only dates the page states in its markup: the wider search turns a bare
        # "Copyright 2025" into a publication date of 1 January 2025.
        date_extraction_params=set_date_params(extensive=False),
    )
    found = DocumentMeta()
    text = ""
    if result is not None:
        body = getattr(result, "body", None)
        if body is not None:
            text = "\n\n".join(_blocks(body))
        found = DocumentMeta(
            outlet=getattr(result, "sitename", None) or None,
            title=getattr(result, "title", None) or None,
            url=getattr(result, "url", None) or None,
            published=_parse_date(getattr(result, "date", None)),
        )
    if not text.strip():
        text = _strip_tags(source)
    return text, found


def _parse_date(value: object) -> dt.date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _merge_meta(given: DocumentMeta, found: DocumentMeta) -> DocumentMeta:
    """Fill the fields the caller left empty with what was found in the source."""
    return dataclasses.replace(
        given,
        outlet=given.outlet or found.outlet,
        title=given.title or found.title,
        url=given.url or found.url,
        published=given.published or found.published,
    )


def ingest_text(
    text: str,
    *,
    source_format: SourceFormat = "text",
    meta: DocumentMeta | None = None,
    path: str | None = None,
) -> Document:
    """Make a Document from text, Markdown or HTML.

    Text and Markdown become ``Document.text`` unchanged. HTML becomes its main text, one
    paragraph or heading per block with blank lines between, and fills the metadata the
    caller did not give. A leading `` date YYYY-MM-DD`` marker fills ``meta.published``.

    >>> doc = ingest_text(" date 2025-10-25 The call lasted ten minutes.")
    >>> doc.meta.published
    datetime.date(2025, 10, 25)
    """
    meta = meta if meta is not None else DocumentMeta()
    source: str | None = None
    if not text.strip():
        raise EmptyInputError("input holds no text")
    # A NUL or a lone surrogate cannot be stored (PostgreSQL refuses it, SQLite cuts at it).
    problem = text_problem(text)
    if problem is not None:
        raise InputError(f"the text {problem}")
    if source_format == "html":
        source = text
        text, found = _extract_html(source)
        meta = _merge_meta(meta, found)
    elif source_format not in ("text", "markdown"):
        raise UnsupportedFormatError(f"unsupported source format: {source_format!r}")
    if not text.strip():
        raise EmptyInputError("input holds no text once the HTML markup is removed")
    language = detect_language(text)
    meta = dataclasses.replace(meta, language=language)
    segmentation = segment_text(text, source_format=source_format, language=language)
    if meta.published is None:
        for marker in segmentation.markers:
            if marker.key == "date":
                published = _parse_date(marker.value)
                if published is not None:
                    meta = dataclasses.replace(meta, published=published)
                break
    return Document(
        text=text,
        segmentation=segmentation,
        meta=meta,
        source_format=source_format,
        source=source,
        path=path,
    )


def format_for_filename(filename: str) -> SourceFormat | None:
    """Return the source format a file name's extension means, or None without an extension."""
    suffix = Path(filename).suffix.lower()
    if not suffix:
        return None
    try:
        return EXTENSIONS[suffix]
    except KeyError:
        known = ", ".join(EXTENSIONS)
        raise UnsupportedFormatError(
            f"unsupported file type {suffix!r} (Parallax reads {known})"
        ) from None


def looks_like_html(text: str) -> bool:
    """Return True if ``text`` starts like an HTML document or fragment."""
    return _HTML_START.match(text[:4096]) is not None


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise InputTooLargeError(
            f"input is {_megabytes(size)} ({size} bytes); the limit is "
            f"{_megabytes(max_bytes)} ({max_bytes} bytes)"
        )


def ingest_bytes(
    data: bytes,
    *,
    filename: str | None = None,
    source_format: SourceFormat | None = None,
    meta: DocumentMeta | None = None,
    max_bytes: int = MAX_BYTES,
) -> Document:
    """Make a Document from uploaded or read bytes.

    The format is ``source_format`` if given, else the file name's extension, else HTML if
    the text starts like HTML, else plain text.
    """
    _check_size(len(data), max_bytes)
    if not data:
        raise EmptyInputError("input is empty")
    if source_format is None and filename is not None:
        source_format = format_for_filename(filename)
    text = decode_bytes(data)
    if source_format is None:
        source_format = "html" if looks_like_html(text) else "text"
    return ingest_text(text, source_format=source_format, meta=meta)


def read_document(
    path: str | os.PathLike[str],
    *,
    meta: DocumentMeta | None = None,
    max_bytes: int = MAX_BYTES,
) -> Document:
    """Read a ``.txt``, ``.md`` or ``.html`` file into a Document; error messages name it."""
    file = Path(path)
    name = os.fspath(path)
    try:
        if not file.exists():
            raise InputError(f"file not found: {name}")
        if not file.is_file():
            raise InputError(f"not a regular file: {name}")
        # Refuse a huge file from its size alone, before reading any of it.
        _check_size(file.stat().st_size, max_bytes)
        data = file.read_bytes()
    except InputError as exc:
        if name in str(exc):
            raise
        raise type(exc)(f"{name}: {exc}") from exc
    except OSError as exc:
        raise InputError(f"cannot read {name}: {exc.strerror or exc}") from exc
    try:
        document = ingest_bytes(data, filename=file.name, meta=meta, max_bytes=max_bytes)
    except InputError as exc:
        raise type(exc)(f"{name}: {exc}") from exc
    return dataclasses.replace(document, path=name)


def _optional_str(entry: dict[str, Any], key: str) -> str | None:
    value = entry.get(key)
    return value if isinstance(value, str) and value else None


def read_manifest(directory: str | os.PathLike[str]) -> tuple[str, tuple[Document, ...]]:
    """Read ``manifest.json`` in ``directory``: the comparison title and its documents."""
    folder = Path(directory)
    manifest = folder / "manifest.json"
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"file not found: {manifest}") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read {manifest}: {exc}") from exc
    try:
        title = data["comparison"]["title"]
        articles = data["articles"]
        if not isinstance(title, str) or not isinstance(articles, list):
            raise TypeError
        documents: list[Document] = []
        for entry in articles:
            published = entry.get("published")
            meta = DocumentMeta(
                outlet=_optional_str(entry, "outlet"),
                title=_optional_str(entry, "title"),
                url=_optional_str(entry, "url"),
                published=dt.date.fromisoformat(published) if published else None,
            )
            documents.append(read_document(folder / entry["file"], meta=meta))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"{manifest}: malformed manifest ({exc!r})") from exc
    return title, tuple(documents)
