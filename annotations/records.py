"""Frozen records passed between the core modules.

Every span is half-open ``[start, end)`` in Python string indices (code points) into the
original text of its document, which is never modified.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field
from typing import Literal
from typing import NamedTuple

from annotations.errors import SpanError

__all__ = [
    "AlignSettings",
    "Alignment",
    "AnnotationRecord",
    "Confidence",
    "DiffOp",
    "DiffTag",
    "Document",
    "DocumentMeta",
    "LinkTarget",
    "MetadataMarker",
    "PairKind",
    "Paragraph",
    "ParagraphKind",
    "PassagePair",
    "Segmentation",
    "Sentence",
    "SourceFormat",
    "Span",
    "Suggestion",
]

SourceFormat = Literal["text", "markdown", "html"]
PairKind = Literal["identical", "paraphrase", "partial"]
Confidence = Literal["high", "medium", "low"]
DiffTag = Literal["equal", "replace", "insert", "delete"]
ParagraphKind = Literal["prose", "heading"]


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A half-open ``[start, end)`` range of code points."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise SpanError(f"invalid span [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start

    def slice(self, text: str) -> str:
        """Return the part of ``text`` this span covers."""
        return text[self.start : self.end]

    def as_list(self) -> list[int]:
        """Return ``[start, end]`` for JSON."""
        return [self.start, self.end]


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: its span and the index of the paragraph that holds it."""

    start: int
    end: int
    paragraph: int

    @property
    def span(self) -> Span:
        """Return the sentence's span."""
        return Span(self.start, self.end)


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph (a block of text between blank lines, or a line) and what it is."""

    start: int
    end: int
    kind: ParagraphKind

    @property
    def span(self) -> Span:
        """Return the paragraph's span."""
        return Span(self.start, self.end)


@dataclass(frozen=True, slots=True)
class MetadataMarker:
    """A leading marker such as `` date 2025-10-25``: its span, its key and its value."""

    start: int
    end: int
    key: str
    value: str


@dataclass(frozen=True, slots=True)
class Segmentation:
    """Everything derived from a text's layout, as spans into the text."""

    paragraphs: tuple[Paragraph, ...]
    sentences: tuple[Sentence, ...]
    headings: tuple[Span, ...]
    markers: tuple[MetadataMarker, ...]
    blank_runs: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    """What is known about an article besides its text."""

    outlet: str | None = None
    title: str | None = None
    url: str | None = None
    published: dt.date | None = None
    language: str = "en"


@dataclass(frozen=True, slots=True)
class Document:
    """One article: its exact text, where it came from, and its segmentation.

    ``text`` is what every offset points into. For HTML input it is the extracted main
    text, and ``source`` keeps the HTML as given; for text and Markdown ``source`` is None.
    """

    text: str
    segmentation: Segmentation
    meta: DocumentMeta = field(default_factory=DocumentMeta)
    source_format: SourceFormat = "text"
    source: str | None = None
    path: str | None = None


@dataclass(frozen=True, slots=True)
class PassagePair:
    """Two passages, one per document, that report the same content.

    ``a`` and ``b`` cover runs of adjacent sentences, listed by index in
    ``a_sentences``/``b_sentences``. ``score`` is 0-100. ``evidence`` lists what the two
    passages share (numbers, names, words; ``"A word ≈ B word"`` where they differ in form)
    and ``confidence`` how sure the link is; pairs stored before they existed have none.
    """

    a: Span
    b: Span
    score: float
    kind: PairKind
    a_sentences: tuple[int, ...]
    b_sentences: tuple[int, ...]
    evidence: tuple[str, ...] = ()
    confidence: Confidence | None = None


@dataclass(frozen=True, slots=True)
class AlignSettings:
    """The settings an alignment was made with (stored next to it)."""

    threshold: float
    near_best: float
    version: str


@dataclass(frozen=True, slots=True)
class Alignment:
    """Pairs of passages in both documents, and the sentences found in only one."""

    pairs: tuple[PassagePair, ...]
    only_a: tuple[Span, ...]
    only_b: tuple[Span, ...]
    settings: AlignSettings


@dataclass(frozen=True, slots=True)
class DiffOp:
    """One word-level edit between two passages, as spans into each document's text."""

    tag: DiffTag
    a: Span
    b: Span


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A span Parallax proposes to tag, for a person to accept or reject.

    ``document`` is the index of the document among those the suggester was given (0 for
    article A, 1 for B); ``start``/``end`` are code points into its text and never cross a
    paragraph. ``tag`` is a key of the tag set the suggestion was made with; ``reason`` says in
    a sentence a student can read why the span was proposed; ``score`` is 0-1 (higher is
    surer). ``source`` names what produced it: ``"rule:<device>"`` for a built-in detector,
    ``"learned"`` for a pattern taken from a person's earlier tags.
    """

    document: int
    start: int
    end: int
    quote: str
    tag: str
    reason: str
    score: float
    source: str


class LinkTarget(NamedTuple):
    """The span of another document that an annotation links to.

    ``document_id`` is None only for a link read from another tool's file, which names the
    document by IRI alone.
    """

    document_id: int | None
    document_title: str
    start: int
    end: int
    quote: str


class AnnotationRecord(NamedTuple):
    """One annotation as it is exported and imported, with what it needs to be understood alone.

    A named tuple rather than a frozen dataclass, whose ``__init__`` costs ten times as much:
    a quarter of a second in an export of 100,000 annotations.

    ``start``/``end`` are code points into the document text whose SHA-256 is
    ``document_hash``; ``tags`` are ``(key, name)`` pairs in order; times are ISO 8601 with a
    zone. Strings that are unknown are ``""``. ``document_id`` is None only for an annotation
    read from another tool's file; then ``document_url`` holds the IRI that file names.
    """

    id: str
    comparison_id: int | None
    comparison_title: str
    document_id: int | None
    document_title: str
    outlet: str
    document_url: str
    document_hash: str
    annotator: str
    exercise_id: int | None
    tag_set: str
    tags: tuple[tuple[str, str], ...]
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str
    note: str
    status: str
    relation: str | None
    link: LinkTarget | None
    created: str
    updated: str
