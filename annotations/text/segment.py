"""Split a text into metadata markers, paragraphs, headings and sentences, as offsets.

The text is never modified: every result is a ``[start, end)`` span into it. Sentence
boundaries come from sentencex, a maintained rule-based splitter with abbreviation lists for
some 300 languages (it keeps "U.S.", "Sen.", "R-Fla." and "a.m." inside sentences, and ends
Japanese and Chinese sentences at 。！？), chosen by measurement (``bench/segmenters.py``).
This module decides *where* it runs (inside prose paragraphs, after any leading metadata
marker; a block of short lines such as "Story highlights" bullets gives one unit per line),
and adds three rules of its own: quotation marks are hidden from the splitter so that a
multi-sentence quotation is split into its sentences, a piece that starts in lower case
continues the sentence before it (``"Why?" she asked.``), and a few abbreviations it splits
after ("a.m. Eastern", French "M.", Dutch "o.a.", initials before a non-Latin script) are
joined back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sentencex import segment as sentencex_segment

from annotations.records import MetadataMarker
from annotations.records import Paragraph
from annotations.records import ParagraphKind
from annotations.records import Segmentation
from annotations.records import Sentence
from annotations.records import SourceFormat
from annotations.records import Span
from annotations.text.languages import detect_language

__all__ = [
    "find_blank_runs",
    "find_marker",
    "segment_text",
    "split_paragraphs",
    "split_sentences",
]

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
_BULLET = re.compile(r"[-*+•·▪◦‣–—]\s+\S")
_MIN_LIST_LINES = 3
# A line ending like this closes a sentence, so the next line starts a new paragraph.
_LINE_CLOSES = re.compile(r"""[.!?…:;。！？：；]["'”’»)\]」』）]*\s*\Z""")
_CLOSERS = "\"'”’»)]」』）"
_HEADING_END_PUNCT = re.compile(r"""[.!?…,;。！？，、；]["'”’»)\]」』）]*\Z""")
_MAX_HEADING_WORDS = 14
_MAX_HEADING_CHARS = 120


# Quotation marks, each replaced by one space (so offsets stay put) before splitting. A
# pattern's substitution does it 20 times faster than str.translate on non-ASCII text.
_QUOTE_MARKS = re.compile('["“”„‟«»‹›「」『』]')
# A split after "a.m." before a time zone or day, or inside initials ("U.S." in Japanese
# text), falls inside a sentence.
_CLOCK_END = re.compile(r"\b[ap]\.m\.\s*\Z")
_CLOCK_NEXT = re.compile(
    r"(?:Eastern|Central|Mountain|Pacific|ET|EST|EDT|CT|CST|CDT|PT|PST|PDT|GMT|UTC|BST|CET|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
_INITIAL_END = re.compile(r"(?<![A-Za-z])[A-Z]\.\s*\Z")
_INITIAL_NEXT = re.compile(r"[A-Za-z]\.")
# Abbreviations that sentencex's lists lack, by language (the word before the final period).
_MORE_ABBREVIATIONS: dict[str, frozenset[str]] = {
    "fr": frozenset({"M", "MM", "Mme", "Mlle"}),
    "nl": frozenset({"o.a", "dhr", "mevr", "mw", "bijv", "d.w.z"}),
}
_LAST_WORD = re.compile(r"(\S+)\.\s*\Z")


def _closes(line: str) -> bool:
    """Return whether a line ends a sentence (``_LINE_CLOSES``).

    A match can only start at the last character before closing marks and spaces; searching
    from there spares trying every punctuation mark of a long line.
    """
    last = len(line.rstrip().rstrip(_CLOSERS)) - 1
    return _LINE_CLOSES.search(line, max(0, last)) is not None


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
    # Scripts without case (Japanese, Chinese) count as capitals.
    return not first.islower() and (first.isalnum() or first in "\"“‘'「『")


def _is_list(text: str, lines: list[tuple[int, int]]) -> bool:
    """Return whether a block's lines are items of their own (bullets, "Story highlights").

    Either every line after the first starts with a bullet mark, two lines could each be a
    heading (a headline over its byline), or the block has at least
    ``_MIN_LIST_LINES`` lines that all start with a capital, digit or bullet and none closes
    a sentence or runs on with a comma: a hard-wrapped paragraph breaks lines mid-sentence,
    so most of its lines start in lower case or end on a comma.
    """
    if len(lines) < 2:
        return False
    items = [text[ls:le] for ls, le in lines]
    if all(_BULLET.match(item) for item in items[1:]):
        return True
    if len(items) == 2:
        # A headline over its byline ("Rovers win 2-1" / "By Ian Cobb, Sports Desk"): two
        # lines that could each be a heading are two units, not one wrapped sentence.
        return all(_is_heading(item, "text") for item in items)
    if len(items) < _MIN_LIST_LINES:
        return False
    return (
        all(
            (item[0].isupper() or item[0].isdigit() or _BULLET.match(item) is not None)
            and len(item) <= 2 * _MAX_HEADING_CHARS
            and not item.endswith((",", ";", "-"))
            for item in items
        )
        and sum(1 for item in items if _closes(item)) <= len(items) // 2
    )


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
    if _is_list(text, lines):
        for line_start, line_end in lines:
            yield Paragraph(line_start, line_end, "prose")
        return
    open_lines = sum(1 for ls, le in lines[:-1] if not _closes(text[ls:le]))
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
        if not wrapped and _closes(line):
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
    taken for a heading, nor are ``_MIN_LIST_LINES`` or more such lines in a row (outside
    Markdown; the text's first line aside, taken for its title): those are items such as
    "Story highlights" bullets, each kept as a unit.

    >>> [p.kind for p in split_paragraphs("Title here\\n\\nA sentence. Another one.\\n")]
    ['heading', 'prose']
    """
    paragraphs: list[Paragraph] = []
    for block_start, block_end in _blocks(text, start):
        paragraphs.extend(_split_block(text, block_start, block_end, source_format))
    if len(paragraphs) == 1 and paragraphs[0].kind == "heading":
        only = paragraphs[0]
        paragraphs[0] = Paragraph(only.start, only.end, "prose")
    run: list[int] = []
    for index in range(len(paragraphs) + 1):
        plain_heading = (
            index < len(paragraphs)
            and paragraphs[index].kind == "heading"
            and not _MD_HEADING.match(text, paragraphs[index].start)
        )
        if plain_heading:
            run.append(index)
            continue
        if run and run[0] == 0:
            run = run[1:]  # the text's first line is its title
        if len(run) >= _MIN_LIST_LINES:
            for item in run:
                paragraphs[item] = Paragraph(paragraphs[item].start, paragraphs[item].end, "prose")
        run = []
    return tuple(paragraphs)


def _continues(previous: str, following: str, language: str) -> bool:
    """Return whether a split between two pieces falls inside one sentence."""
    following = following.lstrip()
    if following[:1].islower():
        return True
    # The end patterns can only match in the last few characters before trailing spaces:
    # searching from there spares a scan of the whole piece (what precedes the search
    # position still counts for \b and look-behind).
    tail = len(previous.rstrip())
    if _CLOCK_END.search(previous, max(0, tail - 4)) and _CLOCK_NEXT.match(following):
        return True
    if _INITIAL_END.search(previous, max(0, tail - 2)) and _INITIAL_NEXT.match(following):
        return True
    if previous.rstrip()[-1:] != ".":
        return False
    last = _LAST_WORD.search(previous)
    extra = _MORE_ABBREVIATIONS.get(language)
    return bool(extra and last and last.group(1).lstrip("(") in extra)


def split_sentences(text: str, start: int, end: int, *, language: str = "en") -> tuple[Span, ...]:
    """Split ``text[start:end]`` into sentence spans, whitespace trimmed.

    >>> t = 'Sen. Rubio, R-Fla., spoke at 9 a.m. "No. Never." The U.S. agreed.'
    >>> [t[s.start:s.end] for s in split_sentences(t, 0, len(t))]
    ['Sen. Rubio, R-Fla., spoke at 9 a.m.', '"No.', 'Never."', 'The U.S. agreed.']
    """
    chunk = text[start:end]
    masked = _QUOTE_MARKS.sub(" ", chunk)
    pieces: list[list[int]] = []
    cursor = 0
    for piece in sentencex_segment(language, masked):
        stripped = piece.strip()
        if not stripped:
            continue
        # sentencex returns the pieces in order; locating each from a cursor keeps
        # offsets exact whatever its whitespace handling.
        found = masked.find(stripped, cursor)
        if found < 0:
            continue
        piece_end = found + len(stripped)
        if pieces and _continues(masked[pieces[-1][0] : found], stripped, language):
            pieces[-1][1] = piece_end
        else:
            pieces.append([found, piece_end])
        cursor = piece_end
    spans: list[Span] = []
    previous_end = 0
    for piece_start, piece_end in pieces:
        # Give back the quotation marks hidden from the splitter: those right after a
        # piece close it, those right before one open it.
        s, e = piece_start, piece_end
        while e < len(chunk) and chunk[e] != masked[e]:
            e += 1
        while s > previous_end and chunk[s - 1] != masked[s - 1]:
            s -= 1
        spans.append(Span(start + s, start + e))
        previous_end = e
    if not spans:
        s, e = _strip(text, start, end)
        if s < e:
            spans.append(Span(s, e))
    return tuple(spans)


def segment_text(
    text: str, *, source_format: SourceFormat = "text", language: str | None = None
) -> Segmentation:
    """Segment ``text`` into markers, paragraphs, headings, sentences and blank-line runs.

    Sentences are split by the rules of ``language`` (detected from the text if not given).

    >>> seg = segment_text(" date 2025-10-25 First one. Second one.\\n\\nSub head\\n\\nLast.")
    >>> [m.value for m in seg.markers], len(seg.sentences), len(seg.headings)
    (['2025-10-25'], 3, 1)
    """
    if language is None:
        language = detect_language(text)
    marker = find_marker(text)
    body_start = marker.end if marker else 0
    paragraphs = split_paragraphs(text, start=body_start, source_format=source_format)
    sentences: list[Sentence] = []
    for index, paragraph in enumerate(paragraphs):
        if paragraph.kind != "prose":
            continue
        for span in split_sentences(text, paragraph.start, paragraph.end, language=language):
            sentences.append(Sentence(span.start, span.end, index))
    return Segmentation(
        paragraphs=paragraphs,
        sentences=tuple(sentences),
        headings=tuple(p.span for p in paragraphs if p.kind == "heading"),
        markers=(marker,) if marker else (),
        blank_runs=find_blank_runs(text),
    )
