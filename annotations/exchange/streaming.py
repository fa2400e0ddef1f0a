"""Read the items of a JSON file of annotations one at a time, in memory that does not grow.

A Parallax JSON export holds its annotations in one ``annotations`` list, a W3C export in the
``items`` of its pages; :class:`JsonItems` reads such a file a chunk at a time and hands out
each item of those lists as soon as it is read, with its place in the file, so an import of
any size holds one chunk and one item at a time. Everything else in the file (the head, the
page ids and links, the totals) is small; it is read whole and checked as the whole-file
reader did, with the same messages, once the lists are read.

Written on the standard library's JSON scanner (``JSONDecoder.raw_decode`` on a window of the
text) rather than with ijson: the scanner reads each item at the speed of ``json.loads``,
several times ijson's C back end, and keeps ``json``'s error messages and positions.

The lists are streamed when the file says what it is before them, as Parallax writes it
(``format`` and ``version`` before ``annotations``; a collection's ``type`` before ``first``
and ``@included``, each page's ``items`` in the order its ``next`` links give). A file in
another key order is read whole, which holds it all in memory as before.
"""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import BinaryIO
from typing import Final
from typing import NamedTuple

from annotations.errors import ImportFormatError
from annotations.errors import InputError
from annotations.exchange.formats import _BOM
from annotations.exchange.formats import ImportFormat
from annotations.exchange.shapes import check_format
from annotations.exchange.shapes import is_int
from annotations.exchange.shapes import top_level_items
from annotations.exchange.shapes import types_of
from annotations.text.untrusted import MAX_JSON_DEPTH
from annotations.text.untrusted import check_json_value
from annotations.text.untrusted import parse_json_int

__all__ = [
    "JsonItem",
    "JsonItems",
]

# Bytes read at a time: large enough that the per-read cost vanishes, small beside the limit.
_CHUNK: Final = 1 << 20
_SPACE: Final = re.compile(r"[ \t\n\r]*")
# What check_json_value could refuse in an item: a \u escape of a NUL or a surrogate, a number
# of ten digits or more, deep nesting. An item with none of these is not walked, which costs
# more than reading it.
_BAD_ESCAPE: Final = re.compile(r"\\u(?:0000|[dD][89abcdefABCDEF])")
_LONG_NUMBER: Final = 10
# A cut token at the end of a window (a number, \uXXXX, -Infinity) fails within this many
# characters of the end; an error further back is in the file, not in the window.
_CUT_TOKEN: Final = 12


def _reject_constant(name: str) -> Any:
    raise ImportFormatError(f"not valid JSON: {name} is not a JSON number")


class JsonItem(NamedTuple):
    """One item of a file's list of annotations, as JSON read it, and the line it starts on."""

    value: Any
    line: int


class _Text:
    """A window on a file's text, read and decoded a chunk at a time."""

    def __init__(self, source: BinaryIO | bytes | str, max_bytes: int) -> None:
        self.buf = ""
        self.pos = 0
        self.eof = False
        self._max = max_bytes
        self._size = 0
        self._offset = 0  # where buf[0] is in the file's text
        self._line = 1  # the line of buf[self._mark]
        self._mark = 0
        self._line_start = 0  # where the line of buf[0] starts in the file's text
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        # Set when a number may be out of a database column's range: see _checked.
        self.long_number = False
        # The scanner itself: JSONDecoder.raw_decode only wraps it, at a cost per item (an
        # attribute of json's decoder that typeshed leaves out).
        decoder = json.JSONDecoder(parse_constant=_reject_constant, parse_int=self._parse_int)
        self._scan: Callable[[str, int], tuple[Any, int]] = decoder.scan_once  # type: ignore[attr-defined]
        if isinstance(source, str):
            size = (
                len(source)
                if len(source) > max_bytes
                else len(source.encode("utf-8", "surrogatepass"))
            )
            self._check_size(size)
            self.buf = source.removeprefix(_BOM)
            self.eof = True
            self._read = None
        else:
            self._read = (io.BytesIO(source) if isinstance(source, bytes) else source).read

    def _parse_int(self, digits: str) -> int:
        if len(digits) >= _LONG_NUMBER:
            self.long_number = True
        return parse_json_int(digits)

    def _check_size(self, size: int) -> None:
        if size > self._max:
            raise ImportFormatError(
                f"the file is over the limit of {self._max} bytes ({self._max / 2**20:g} MiB)"
            )

    def more(self) -> bool:
        """Read the next chunk into the window; return False at the end of the file."""
        if self.eof or self._read is None:
            self.eof = True
            return False
        data = self._read(_CHUNK)
        self._size += len(data)
        self._check_size(self._size)
        try:
            text = self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as error:
            at = self._size - len(error.object) + error.start
            raise ImportFormatError(
                f"the file is not UTF-8 text: byte {error.object[error.start]:#04x} at offset {at}"
            ) from None
        self.eof = not data
        self._drop()
        self.buf += text
        return not self.eof

    def _drop(self) -> None:
        """Forget the text before the current position, keeping count of its lines."""
        buf, pos = self.buf, self.pos
        self.line()
        last = buf.rfind("\n", 0, pos)
        if last >= 0:
            self._line_start = self._offset + last + 1
        self._offset += pos
        self.buf = buf[pos:]
        self.pos = self._mark = 0

    def line(self) -> int:
        """Return the line (from 1) the current position is on."""
        self._line += self.buf.count("\n", self._mark, self.pos)
        self._mark = self.pos
        return self._line

    def where(self, pos: int) -> str:
        """Return "line L, column C" of a position in the window, as ``json`` counts them."""
        self.line()
        if pos >= self._mark:
            line = self._line + self.buf.count("\n", self._mark, pos)
        else:
            line = self._line - self.buf.count("\n", pos, self._mark)
        last = self.buf.rfind("\n", 0, pos)
        column = pos - last if last >= 0 else self._offset + pos - self._line_start + 1
        return f"line {line}, column {column}"

    def error(self, message: str, pos: int) -> ImportFormatError:
        """Return the error for a JSON mistake at ``pos``: cut short, or wrong where it is."""
        where = self.where(pos)
        if self.eof and (pos >= len(self.buf.rstrip()) or message.startswith("Unterminated")):
            return ImportFormatError(
                f"the file ends in the middle of its JSON (truncated?): {message} at {where}"
            )
        return ImportFormatError(f"not valid JSON at {where}: {message}")

    def peek(self) -> str:
        """Skip white space; return the next character, or "" at the end of the file."""
        while True:
            match = _SPACE.match(self.buf, self.pos)
            assert match is not None
            self.pos = match.end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.more():
                return ""

    def expect(self, chars: str, message: str) -> str:
        """Take the next character if it is one of ``chars``; else raise ``message``."""
        char = self.peek()
        if not char or char not in chars:
            raise self.error(message, self.pos)
        self.pos += 1
        return char

    def many(self) -> list[Any] | None:
        """Read the items of a list from here to the last ``,`` + line break in the window.

        For files with one item to a line, as Parallax writes them: the items are read in
        one call of the scanner, a third of the time of one call each. A line break is never
        inside a JSON string, so the window ends between items or the call fails. None when
        the window holds no such break, is not one item to a line, or holds anything
        :func:`_checked` would look into: the caller then reads one item at a time. The
        window's items are not checked for depth (the scanner stops at Python's recursion
        limit): only flat fields of an item are stored.
        """
        buf, pos = self.buf, self.pos
        cut = buf.rfind(",\n", pos)
        if cut <= pos:
            return None
        window = buf[pos:cut]
        if "\\u" in window and _BAD_ESCAPE.search(window) is not None:
            return None
        wrapped = "[" + window + "]"
        try:
            values, end = self._scan(wrapped, 0)
        except (StopIteration, json.JSONDecodeError, RecursionError):
            return None
        if (
            not isinstance(values, list)
            or end != len(wrapped)
            or len(values) != window.count("\n") + 1
            or self.long_number
        ):
            self.long_number = False
            return None
        self.pos = cut
        return values

    def value(self) -> tuple[Any, str]:
        """Read the JSON value at the current position; return it and its text."""
        self.peek()
        while True:
            try:
                try:
                    value, end = self._scan(self.buf, self.pos)
                except StopIteration as stop:
                    raise json.JSONDecodeError("Expecting value", self.buf, stop.value) from None
            except json.JSONDecodeError as error:
                near_end = error.pos >= len(self.buf) - _CUT_TOKEN
                if not self.eof and (near_end or error.msg.startswith("Unterminated")):
                    self.more()
                    continue
                raise self.error(error.msg, error.pos) from None
            except RecursionError:
                raise ImportFormatError("not valid JSON: nested too deeply to read") from None
            except ImportFormatError:
                raise
            except ValueError as error:
                # parse_json_int refused a number with thousands of digits.
                raise ImportFormatError(f"not valid JSON: {error}") from None
            if end >= len(self.buf) and not self.eof:
                # A number may go on in the next chunk.
                self.more()
                continue
            text = self.buf[self.pos : end]
            self.pos = end
            return value, text


def _checked(value: Any, raw: str, place: str, text: _Text) -> Any:
    """Return ``value`` if it can be stored; else raise naming its place in the file."""
    if (
        not text.long_number
        and ("\\u" not in raw or _BAD_ESCAPE.search(raw) is None)
        and raw.count("{") + raw.count("[") <= MAX_JSON_DEPTH // 2
    ):
        return value
    text.long_number = False
    try:
        # A NUL, a lone surrogate or a number no database column holds, named by its place.
        return check_json_value(value, field=place)
    except InputError as error:
        raise ImportFormatError(
            f"{error.field}: {error.problem}" if error.field else error.problem
        ) from None


@dataclass(slots=True)
class _Page:
    """What a streamed page of a W3C collection said, apart from its items."""

    node: dict[str, Any]
    streamed: bool
    count: int = 0

    @property
    def id(self) -> object:
        return self.node.get("id")


@dataclass(slots=True)
class _Collection:
    """The pages of a W3C collection, in the order the file holds them."""

    pages: list[_Page] = field(default_factory=list)
    first: _Page | None = None


class JsonItems:
    """The items of a Parallax JSON or W3C JSON-LD file, read one at a time.

    Iterate once: each :class:`JsonItem` comes as soon as it is read. :attr:`format` is known
    before the first item. A file that cannot be read as a whole (not UTF-8, not JSON, cut
    short, of another shape or version, larger than ``max_bytes``) raises
    :class:`~annotations.errors.ImportFormatError`, possibly after items were handed out:
    callers that store items keep them in a transaction they can roll back.
    """

    def __init__(self, source: BinaryIO | bytes | str, *, max_bytes: int) -> None:
        self._text = _Text(source, max_bytes)
        self.format: ImportFormat | None = None

    def __iter__(self) -> Iterator[JsonItem]:
        text = self._text
        first = text.peek()
        if not first:
            raise ImportFormatError("the file is empty")
        whole: list[Any] = []
        if first == "[":
            self.format = "w3c-jsonld"
            yield from self._list("")
        elif first == "{":
            yield from self._object(whole)
        else:
            value, raw = text.value()
            self._end()
            whole = self._whole(_checked(value, raw, "", text))
        self._end()
        for value in whole:
            yield JsonItem(value, 0)

    def _end(self) -> None:
        text = self._text
        if text.peek():
            raise text.error("Extra data", text.pos)

    # -- lists ---------------------------------------------------------------------------

    def _list(self, place: str) -> Iterator[JsonItem]:
        """Read a list whose items are annotations, handing each out."""
        text = self._text
        text.expect("[", "Expecting value")
        if text.peek() == "]":
            text.pos += 1
            return
        index = 0
        many = True
        while True:
            text.peek()
            line = text.line()
            values = text.many() if many else None
            if values is not None:
                for number, value in enumerate(values):
                    yield JsonItem(value, line + number)
                index += len(values)
                text.expect(",", "Expecting ',' delimiter")
                continue
            value, raw = text.value()
            yield JsonItem(_checked(value, raw, f"{place}[{index}]", text), line)
            index += 1
            if text.expect(",]", "Expecting ',' delimiter") == "]":
                return

    # -- objects -------------------------------------------------------------------------

    def _keys(self) -> Iterator[str]:
        """Read an object's keys one at a time; the caller reads each value."""
        text = self._text
        text.expect("{", "Expecting value")
        if text.peek() == "}":
            text.pos += 1
            return
        while True:
            if text.peek() != '"':
                raise text.error("Expecting property name enclosed in double quotes", text.pos)
            key, raw = text.value()
            yield _checked(key, raw, "", text)
            if text.expect(",}", "Expecting ',' delimiter") == "}":
                return
            if text.peek() != '"':
                raise text.error("Expecting property name enclosed in double quotes", text.pos)

    def _colon(self) -> None:
        self._text.expect(":", "Expecting ':' delimiter")

    def _whole_value(self, place: str) -> Any:
        value, raw = self._text.value()
        return _checked(value, raw, place, self._text)

    def _object(self, whole: list[Any]) -> Iterator[JsonItem]:
        """Read the top-level object, streaming its lists of annotations when it can."""
        text = self._text
        head: dict[str, Any] = {}
        streamed: str | None = None
        collection = _Collection()
        for key in self._keys():
            self._colon()
            types = types_of(head)
            if key == "annotations" and "format" in head and text.peek() == "[":
                check_format(head)
                self.format = "parallax-json"
                streamed = key
                yield from self._list("annotations")
            elif key == "first" and "AnnotationCollection" in types and text.peek() == "{":
                self.format = "w3c-jsonld"
                streamed = "collection"
                collection.first = _Page({}, False)
                yield from self._page(collection.first, "first", collection)
            elif key == "@included" and streamed in ("collection", "page") and text.peek() == "[":
                yield from self._included(collection)
            elif key == "items" and "AnnotationPage" in types and text.peek() == "[":
                self.format = "w3c-jsonld"
                streamed = "page"
                # The page is the head itself: the keys after its items (next) land in it.
                collection.first = _Page(head, True)
                collection.pages.append(collection.first)
                for item in self._list("items"):
                    collection.first.count += 1
                    yield item
            else:
                head[key] = self._whole_value(key)
        if streamed is None:
            whole.extend(self._whole(head))
        elif streamed != "annotations":
            _check_pages(collection, head, is_collection=streamed == "collection")

    def _page(self, page: _Page, place: str, collection: _Collection) -> Iterator[JsonItem]:
        text = self._text
        for key in self._keys():
            self._colon()
            if key == "items" and text.peek() == "[":
                page.streamed = True
                for item in self._list(f"{place}.items"):
                    page.count += 1
                    yield item
            else:
                page.node[key] = self._whole_value(f"{place}.{key}")
        collection.pages.append(page)

    def _included(self, collection: _Collection) -> Iterator[JsonItem]:
        text = self._text
        text.expect("[", "Expecting value")
        if text.peek() == "]":
            text.pos += 1
            return
        index = 0
        while True:
            place = f"@included[{index}]"
            if text.peek() == "{":
                yield from self._page(_Page({}, False), place, collection)
            else:
                self._whole_value(place)
            index += 1
            if text.expect(",]", "Expecting ',' delimiter") == "]":
                return

    # -- a file read whole ---------------------------------------------------------------

    def _whole(self, value: Any) -> list[Any]:
        """Check a file that was read whole and return its items."""
        self.format, items = top_level_items(value)
        return items


def _check_pages(collection: _Collection, head: Mapping[str, Any], *, is_collection: bool) -> None:
    """Check a streamed collection's pages as the whole-file reader did, and their order."""
    pages: dict[str, _Page] = {}
    for page in collection.pages:
        if page is not collection.first and isinstance(page.id, str):
            pages[page.id] = page
    included = set(pages)
    order: list[_Page] = []
    seen: set[str] = set()
    current: object = collection.first
    while current is not None:
        if isinstance(current, str):
            if current not in pages:
                raise ImportFormatError(
                    f"the page {current} is not in this file; import a file that holds every page"
                )
            current = pages[current]
        if not isinstance(current, _Page) or "AnnotationPage" not in types_of(current.node):
            raise ImportFormatError("a page of the collection is not an AnnotationPage object")
        page_id = current.id
        if isinstance(page_id, str):
            if page_id in seen:
                raise ImportFormatError(f"the pages loop: {page_id} comes back after itself")
            seen.add(page_id)
        if not current.streamed:
            raise ImportFormatError(f"the page {page_id} has no 'items' list")
        order.append(current)
        current = current.node.get("next")
    unread = sorted(included - seen)
    if unread:
        raise ImportFormatError(f"the page {unread[0]} is in the file but no 'next' leads to it")
    streamed = [page for page in collection.pages if page.streamed]
    if [id(page) for page in order] != [id(page) for page in streamed]:
        raise ImportFormatError(
            "the pages are not in the order their 'next' links give; "
            "import a file whose pages follow each other"
        )
    total = head.get("total")
    count = sum(page.count for page in order)
    if is_collection and is_int(total) and total != count:
        raise ImportFormatError(
            f"the collection's total is {total} but its pages hold {count} annotations"
        )
