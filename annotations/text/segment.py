"""Split a text into metadata markers, paragraphs, headings and sentences, as offsets.

The text is never modified: every result is a ``[start, end)`` span into it. Sentence
boundaries come from pysbd, a maintained rule-based splitter that keeps "U.S.", "Mr." and
multi-sentence quotations whole; this module only decides *where* pysbd runs (inside prose
paragraphs, after any leading metadata marker) and maps its sentences back to offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import pysbd

from annotations.records import MetadataMarker
from annotations.records import Paragraph
from annotations.records import ParagraphKind
from annotations.records import Segmentation
from annotations.records import Sentence
from annotations.records import SourceFormat
from annotations.records import Span

# A leading marker such as " date 2025-10-25" glued to the first sentence by a scraper.
_MARKER = re.compile(
    r"\A\s*(?P<key>date|published|updated)[:\s]\s*"
    r"(?P<value>\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?)(?=\s|\Z)",
    re.IGNORECASE,
)
_BLANK_RUN = re.compile(r"\n[ \t\r\f\v]*\n(?:[ \t\r\f\v]*\n)*")
_LINE = re.compile(r"[^\n]*\n?")
_MD_HEADING = re.compile(r"#{1,6}\s+\S")
_MD_LIST_ITEM = re.compile(r"(?:[-*+]|\d{1,3}[.)])\s+\S")
# A line ending like this closes a sentence, so the next line starts a new paragraph.
_LINE_CLOSES = re.compile(r"""[.!?…:;]["'”’»)\]]*\s*\Z""")
_HEADING_END_PUNCT = re.compile(r"""[.!?…,;]["'”’»)\]]*\Z""")
_MAX_HEADING_WORDS = 14
_MAX_HEADING_CHARS = 120


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=False)


def find_marker(text: str) -> MetadataMarker | None:
    """Return the leading metadata marker of ``text`` (such as `` date 2025-10-25``), if any.

    >>> m = find_marker(" date 2025-10-25 Japan's new Prime Minister")
    >>> (m.key, m.value, m.start, m.end)
    ('date', '2025-10-25', 1, 16)
    """
    match = _MARKER.match(text)
    if match is None:
        return None
    return MetadataMarker(
        start=match.start("key"),
        end=match.end("value"),
        key=match.group("key").lower(),
        value=match.group("value"),
    )


def find_blank_runs(text: str) -> tuple[Span, ...]:
    """Return the runs of blank lines (two or more line breaks with only spaces between)."""
    return tuple(Span(m.start(), m.end()) for m in _BLANK_RUN.finditer(text))


def _lines(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Yield the [start, end) of each line in text[start:end], without its line break."""
    for match in _LINE.finditer(text, start, end):
        if match.start() == match.end():
            break
        line_end = match.end()
        if text[line_end - 1 : line_end] == "\n":
            line_end -= 1
        yield match.start(), line_end


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _is_heading(line: str, source_format: SourceFormat) -> bool:
    if source_format == "markdown" and _MD_HEADING.match(line):
        return True
    words = line.split()
    if not words or len(words) > _MAX_HEADING_WORDS or len(line) > _MAX_HEADING_CHARS:
        return False
    if _HEADING_END_PUNCT.search(line) or line.endswith(":"):
        return False
    first = line[0]
    return first.isupper() or first.isdigit() or first in "\"“‘'"


def _blocks(text: str, start: int) -> Iterator[tuple[int, int]]:
    """Yield blank-line separated blocks of text[start:], stripped."""
    cursor = start
    for run in _BLANK_RUN.finditer(text, start):
        block = _strip(text, cursor, run.start())
        if block[0] < block[1]:
            yield block
        cursor = run.end()
    block = _strip(text, cursor, len(text))
    if block[0] < block[1]:
        yield block


def _split_block(
    text: str, start: int, end: int, source_format: SourceFormat
) -> Iterator[Paragraph]:
    """Split one block into paragraphs: a line that closes a sentence ends its paragraph.

    Blocks whose lines wrap mid-sentence stay one paragraph; texts that put one paragraph
    per line (no blank lines) get one paragraph per line.
    """
    lines = [_strip(text, ls, le) for ls, le in _lines(text, start, end)]
    lines = [(ls, le) for ls, le in lines if ls < le]
    open_lines = sum(1 for ls, le in lines[:-1] if not _LINE_CLOSES.search(text[ls:le]))
    # Mostly lines that stop mid-sentence: a hard-wrapped block, where a short line is a
    # wrapped fragment, not a heading.
    wrapped = open_lines * 2 > len(lines) - 1
    para_start: int | None = None
    para_end = start
    for line_start, line_end in lines:
        line = text[line_start:line_end]
        heading = _is_heading(line, source_format) and (
            not wrapped or _MD_HEADING.match(line) is not None
        )
        standalone = heading or (
            source_format == "markdown" and _MD_LIST_ITEM.match(line) is not None
        )
        if standalone and para_start is not None:
            yield Paragraph(para_start, para_end, "prose")
            para_start = None
        if standalone:
            kind: ParagraphKind = "heading" if heading else "prose"
            yield Paragraph(line_start, line_end, kind)
            continue
        if para_start is None:
            para_start = line_start
        para_end = line_end
        if not wrapped and _LINE_CLOSES.search(line):
            yield Paragraph(para_start, para_end, "prose")
            para_start = None
    if para_start is not None:
        yield Paragraph(para_start, para_end, "prose")


def split_paragraphs(
    text: str, *, start: int = 0, source_format: SourceFormat = "text"
) -> tuple[Paragraph, ...]:
    """Split ``text[start:]`` into paragraphs and headings.

    A heading is a line of its own: a Markdown ``#`` line, or a short line that starts with a
    capital and ends without sentence punctuation. A lone block in the whole text is never
    taken for a heading.

    >>> [p.kind for p in split_paragraphs("Title here\\n\\nA sentence. Another one.\\n")]
    ['heading', 'prose']
    """
    paragraphs: list[Paragraph] = []
    for block_start, block_end in _blocks(text, start):
        paragraphs.extend(_split_block(text, block_start, block_end, source_format))
    if len(paragraphs) == 1 and paragraphs[0].kind == "heading":
        only = paragraphs[0]
        paragraphs[0] = Paragraph(only.start, only.end, "prose")
    return tuple(paragraphs)


def split_sentences(text: str, start: int, end: int) -> tuple[Span, ...]:
    """Split ``text[start:end]`` into sentence spans with pysbd, whitespace trimmed.

    >>> t = "The U.S. envoy arrived. Mr. Abe left."
    >>> [t[s.start:s.end] for s in split_sentences(t, 0, len(t))]
    ['The U.S. envoy arrived.', 'Mr. Abe left.']
    """
    chunk = text[start:end]
    spans: list[Span] = []
    cursor = 0
    for piece in _segmenter().segment(chunk):
        stripped = piece.strip()
        if not stripped:
            continue
        # pysbd (clean=False) returns the pieces in order; locating each from a cursor
        # keeps offsets exact even where its own char_span option miscounts repeats.
        found = chunk.find(stripped, cursor)
        if found < 0:
            continue
        spans.append(Span(start + found, start + found + len(stripped)))
        cursor = found + len(stripped)
    if not spans:
        s, e = _strip(text, start, end)
        if s < e:
            spans.append(Span(s, e))
    return tuple(spans)


def segment_text(text: str, *, source_format: SourceFormat = "text") -> Segmentation:
    """Segment ``text`` into markers, paragraphs, headings, sentences and blank-line runs.

    >>> seg = segment_text(" date 2025-10-25 First one. Second one.\\n\\nSub head\\n\\nLast.")
    >>> [m.value for m in seg.markers], len(seg.sentences), len(seg.headings)
    (['2025-10-25'], 3, 1)
    """
    marker = find_marker(text)
    body_start = marker.end if marker else 0
    paragraphs = split_paragraphs(text, start=body_start, source_format=source_format)
    sentences: list[Sentence] = []
    for index, paragraph in enumerate(paragraphs):
        if paragraph.kind != "prose":
            continue
        for span in split_sentences(text, paragraph.start, paragraph.end):
            sentences.append(Sentence(span.start, span.end, index))
    return Segmentation(
        paragraphs=paragraphs,
        sentences=tuple(sentences),
        headings=tuple(p.span for p in paragraphs if p.kind == "heading"),
        markers=(marker,) if marker else (),
        blank_runs=find_blank_runs(text),
    )
