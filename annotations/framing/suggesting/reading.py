"""A document read for framing: its units (sentences and headings), quotations and shape."""

from __future__ import annotations

import re
from bisect import bisect_left
from bisect import bisect_right
from dataclasses import dataclass

from annotations.records import Document
from annotations.records import ParagraphKind

__all__ = ["Reading", "Unit", "read"]

# Curly pairs, then straight double quotes (paired left to right inside one paragraph).
_CURLY = re.compile(r"“[^“”\n]{1,600}”")
_STRAIGHT = re.compile(r"\"[^\"\n]{1,600}\"")
_WORD = re.compile(r"\w+(?:[’'-]\w+)*")


@dataclass(frozen=True, slots=True)
class Unit:
    """One sentence of a prose paragraph, or one whole heading."""

    start: int
    end: int
    paragraph: int
    kind: ParagraphKind
    index: int


@dataclass(frozen=True, slots=True)
class Reading:
    """What the detectors look at in one document."""

    text: str
    units: tuple[Unit, ...]
    paragraph_spans: tuple[tuple[int, int], ...]
    paragraph_kinds: tuple[ParagraphKind, ...]
    quotes: tuple[tuple[int, int], ...]
    quote_starts: tuple[int, ...]
    words: int
    folded: str

    def in_quote(self, start: int, end: int) -> bool:
        """Return whether ``[start, end)`` lies inside a quotation (marks included)."""
        index = bisect_right(self.quote_starts, start) - 1
        return index >= 0 and end <= self.quotes[index][1]

    def quotes_in(self, start: int, end: int) -> list[tuple[int, int]]:
        """Return the quotations inside ``[start, end)``."""
        found = []
        for index in range(bisect_left(self.quote_starts, start), len(self.quotes)):
            q_start, q_end = self.quotes[index]
            if q_start >= end:
                break
            if q_end <= end:
                found.append((q_start, q_end))
        return found

    def paragraph_share(self, paragraph: int) -> float:
        """Return how far into the article a paragraph is (0 first, 1 last)."""
        count = len(self.paragraph_spans)
        return paragraph / (count - 1) if count > 1 else 0.0


def _quotes(text: str, start: int, end: int) -> list[tuple[int, int]]:
    piece = text[start:end]
    found = [(start + m.start(), start + m.end()) for m in _CURLY.finditer(piece)]
    if not found:
        found = [(start + m.start(), start + m.end()) for m in _STRAIGHT.finditer(piece)]
    return found


def read(document: Document) -> Reading:
    """Return the units, quotations and word count of ``document``."""
    text = document.text
    segmentation = document.segmentation
    paragraphs = segmentation.paragraphs
    units: list[Unit] = []
    by_paragraph: dict[int, list[tuple[int, int]]] = {}
    for sentence in segmentation.sentences:
        by_paragraph.setdefault(sentence.paragraph, []).append((sentence.start, sentence.end))
    quotes: list[tuple[int, int]] = []
    for number, paragraph in enumerate(paragraphs):
        quotes.extend(_quotes(text, paragraph.start, paragraph.end))
        if paragraph.kind == "heading":
            units.append(Unit(paragraph.start, paragraph.end, number, "heading", len(units)))
            continue
        for start, end in by_paragraph.get(number, ()):
            units.append(Unit(start, end, number, "prose", len(units)))
    return Reading(
        text=text,
        units=tuple(units),
        paragraph_spans=tuple((p.start, p.end) for p in paragraphs),
        paragraph_kinds=tuple(p.kind for p in paragraphs),
        quotes=tuple(quotes),
        quote_starts=tuple(start for start, _ in quotes),
        words=sum(1 for _ in _WORD.finditer(text)),
        folded=text.casefold(),
    )
