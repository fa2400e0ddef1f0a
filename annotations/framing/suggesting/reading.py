"""A document read for framing: its units (sentences and headings), quotations and shape."""

from __future__ import annotations

import re
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
    words: int

    def in_quote(self, start: int, end: int) -> bool:
        """Return whether ``[start, end)`` lies inside a quotation (marks included)."""
        return any(q_start <= start and end <= q_end for q_start, q_end in self.quotes)

    def quotes_in(self, start: int, end: int) -> list[tuple[int, int]]:
        """Return the quotations inside ``[start, end)``."""
        return [(s, e) for s, e in self.quotes if start <= s and e <= end]

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
        words=sum(1 for _ in _WORD.finditer(text)),
    )
