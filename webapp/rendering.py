"""Turn documents and their alignment into what the side-by-side templates display.

Every article is cut into pieces (metadata markers, headings, sentences and the whitespace
between them) that cover its text exactly once, in order, so the page shows the text as
given and every piece can carry its ``[start, end)`` offsets for later selection work.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from markupsafe import Markup
from markupsafe import escape

from annotations.records import Alignment
from annotations.records import Confidence
from annotations.records import DiffOp
from annotations.records import Document
from annotations.records import PairKind
from annotations.records import Sentence
from annotations.records import Span
from annotations.text.align import align_documents
from annotations.text.align import explain_alignment
from annotations.text.diff import diff_passages
from annotations.text.languages import cross_language_notice
from annotations.text.languages import detect_language

Side = Literal["a", "b"]
PieceKind = Literal["marker", "heading", "sentence", "text", "gap"]
BlockKind = Literal["marker", "heading", "paragraph", "break"]

FAMILY_COLOURS = 6
"""Number of border colours that pair families cycle through (classes ``fam-0``...)."""

OVERVIEW_WIDTH = 100
OVERVIEW_HEIGHT = 1000
OVERVIEW_BAR = 14
"""Size of the overview graphic's coordinate space and the width of its sentence bars."""


@dataclass(frozen=True, slots=True)
class Piece:
    """One displayed run of an article's text and what it is.

    ``sentence`` is the index among the aligned (prose) sentences; ``pairs`` holds the
    1-based numbers of the passage pairs the sentence belongs to (empty: only in this side).
    """

    kind: PieceKind
    start: int
    end: int
    text: str
    sentence: int | None = None
    paragraph: int | None = None
    pairs: tuple[int, ...] = ()
    family: int | None = None
    label: str | None = None
    confidence: Confidence | None = None
    """The strongest confidence among the sentence's links (weak links are drawn paler)."""

    @property
    def is_only(self) -> bool:
        """Return True for a sentence that no pair holds."""
        return self.kind == "sentence" and not self.pairs

    @property
    def pair_ids(self) -> str:
        """Return the pair ids for ``data-pairs``, such as ``"p3 p4"``."""
        return " ".join(f"p{number}" for number in self.pairs)


@dataclass(frozen=True, slots=True)
class Block:
    """A run of pieces shown as one block: a paragraph, a heading, a marker or a break."""

    kind: BlockKind
    pieces: tuple[Piece, ...]


@dataclass(frozen=True, slots=True)
class DiffPiece:
    """A run of one passage in a word diff; ``changed`` runs differ from the other side."""

    text: str
    changed: bool


@dataclass(frozen=True, slots=True)
class ArticleView:
    """One column of the comparison."""

    side: Side
    label: str
    document: Document
    pieces: tuple[Piece, ...]
    blocks: tuple[Block, ...]
    document_id: int | None = None


@dataclass(frozen=True, slots=True)
class PairView:
    """One row of the matched passages table; ``a_first`` is the A sentence its row links to."""

    number: int
    family: int
    kind: PairKind
    score: float
    a_text: str
    b_text: str
    a_diff: tuple[DiffPiece, ...]
    b_diff: tuple[DiffPiece, ...]
    a_first: int
    evidence: tuple[str, ...] = ()
    confidence: Confidence = "low"

    @property
    def summary(self) -> str:
        """Return the pair for a screen reader, such as ``"partial, low confidence"``."""
        return f"{self.kind}, {self.confidence} confidence"


@dataclass(frozen=True, slots=True)
class OnlyView:
    """A sentence found in one article only."""

    sentence: int
    text: str


@dataclass(frozen=True, slots=True)
class OverviewBar:
    """One sentence in the overview graphic: a bar at ``y`` of height ``height``."""

    side: Side
    sentence: int
    x: float
    y: float
    height: float
    pairs: tuple[int, ...]
    family: int | None
    text: str

    @property
    def pair_ids(self) -> str:
        """Return the pair ids for ``data-pairs``, such as ``"p3 p4"``."""
        return " ".join(f"p{number}" for number in self.pairs)


@dataclass(frozen=True, slots=True)
class OverviewLink:
    """One pair in the overview graphic: a band from its A sentences to its B sentences."""

    number: int
    family: int
    kind: PairKind
    path: str
    a_sentences: tuple[int, ...]
    b_sentences: tuple[int, ...]
    confidence: Confidence = "low"

    @property
    def title(self) -> str:
        """Return a tooltip such as ``"Pair 3 (paraphrase, high confidence): A 4-5, B 2"``."""

        def numbers(indices: tuple[int, ...]) -> str:
            first, last = min(indices) + 1, max(indices) + 1
            return str(first) if first == last else f"{first}\u2013{last}"

        return (
            f"Pair {self.number} ({self.kind}, {self.confidence} confidence): "
            f"A {numbers(self.a_sentences)}, "
            f"B {numbers(self.b_sentences)}"
        )


@dataclass(frozen=True, slots=True)
class Overview:
    """The shape of an alignment: A's sentences down the left, B's down the right."""

    width: int
    height: int
    bar_width: int
    bars_a: tuple[OverviewBar, ...]
    bars_b: tuple[OverviewBar, ...]
    links: tuple[OverviewLink, ...]


@dataclass(frozen=True, slots=True)
class ComparisonView:
    """Everything the comparison pages show."""

    title: str
    a: ArticleView
    b: ArticleView
    alignment: Alignment
    pairs: tuple[PairView, ...]
    only_a: tuple[OnlyView, ...]
    only_b: tuple[OnlyView, ...]
    overview: Overview
    languages: tuple[str, str] = ("en", "en")
    """The two articles' ISO 639-1 codes, as detected from their text."""
    cross_language: str | None = None
    """What a reader must know when the two languages differ (None when they don't)."""


def html_text(text: str) -> Markup:
    """Return ``text`` escaped for HTML so that the parsed DOM text equals ``text`` exactly.

    HTML parsers turn a carriage return into a line feed; a character reference keeps it.
    """
    return Markup(str(escape(text)).replace("\r", "&#13;"))


def prose_sentences(document: Document) -> tuple[Sentence, ...]:
    """Return the sentences the aligner sees, in the order its pairs index them."""
    paragraphs = document.segmentation.paragraphs
    return tuple(
        s
        for s in document.segmentation.sentences
        if not paragraphs or paragraphs[s.paragraph].kind == "prose"
    )


def pair_families(alignment: Alignment) -> tuple[int, ...]:
    """Return a family number per pair: pairs sharing a sentence on either side are one family.

    Families are numbered in order of their first pair, so neighbouring families get
    different colours.
    """
    parent = list(range(len(alignment.pairs)))

    def find(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    owner: dict[tuple[str, int], int] = {}
    for number, pair in enumerate(alignment.pairs):
        keys = [("a", i) for i in pair.a_sentences] + [("b", i) for i in pair.b_sentences]
        for key in keys:
            if key in owner:
                parent[find(number)] = find(owner[key])
            else:
                owner[key] = number
    families: dict[int, int] = {}
    result = []
    for number in range(len(alignment.pairs)):
        root = find(number)
        result.append(families.setdefault(root, len(families)))
    return tuple(result)


def _labelled_spans(
    document: Document, alignment: Alignment, side: Side, families: Sequence[int]
) -> list[Piece]:
    """Return the marker, heading and sentence pieces of ``document``, sorted by start."""
    text = document.text
    seg = document.segmentation
    pieces = [
        Piece("marker", m.start, m.end, text[m.start : m.end], label="metadata:")
        for m in seg.markers
    ]
    pieces += [Piece("heading", h.start, h.end, text[h.start : h.end]) for h in seg.headings]
    membership: dict[int, list[int]] = {}
    for number, pair in enumerate(alignment.pairs):
        for index in pair.a_sentences if side == "a" else pair.b_sentences:
            membership.setdefault(index, []).append(number)
    for index, sentence in enumerate(prose_sentences(document)):
        numbers = membership.get(index, [])
        pieces.append(
            Piece(
                "sentence",
                sentence.start,
                sentence.end,
                text[sentence.start : sentence.end],
                sentence=index,
                paragraph=sentence.paragraph,
                pairs=tuple(n + 1 for n in numbers),
                family=families[numbers[0]] % FAMILY_COLOURS if numbers else None,
                confidence=_strongest(alignment.pairs[n].confidence for n in numbers),
            )
        )
    pieces.sort(key=lambda piece: (piece.start, piece.end))
    return pieces


_RANK: dict[Confidence, int] = {"low": 0, "medium": 1, "high": 2}


def _strongest(bands: Iterable[Confidence | None]) -> Confidence | None:
    """Return the strongest band among ``bands`` (None when there is none)."""
    known = [band for band in bands if band is not None]
    return max(known, key=_RANK.__getitem__) if known else None


def _fillers(text: str, start: int, end: int) -> list[Piece]:
    """Return pieces for text no span covers: whitespace as gaps, anything else as text."""
    inner_start, inner_end = start, end
    while inner_start < inner_end and text[inner_start].isspace():
        inner_start += 1
    while inner_end > inner_start and text[inner_end - 1].isspace():
        inner_end -= 1
    bounds: list[tuple[PieceKind, int, int]] = [
        ("gap", start, inner_start),
        ("text", inner_start, inner_end),
        ("gap", inner_end, end),
    ]
    return [Piece(kind, s, e, text[s:e]) for kind, s, e in bounds if s < e]


def document_pieces(document: Document, alignment: Alignment, side: Side) -> tuple[Piece, ...]:
    """Cut ``document.text`` into pieces that cover it exactly once, in order.

    Markers, headings and aligned sentences become their own pieces; whatever lies between
    them becomes a ``gap`` (whitespace) or ``text`` piece, so joining the pieces' text gives
    the document's text back even if segmentation spans overlap or leave holes.
    """
    text = document.text
    families = pair_families(alignment)
    result: list[Piece] = []
    cursor = 0
    for piece in _labelled_spans(document, alignment, side, families):
        start = max(piece.start, cursor)
        end = min(piece.end, len(text))
        if end <= start:
            continue
        if start > cursor:
            result.extend(_fillers(text, cursor, start))
        if (start, end) != (piece.start, piece.end):
            # Overlapping spans are clipped so that no character is shown twice.
            piece = dataclasses.replace(piece, start=start, end=end, text=text[start:end])
        result.append(piece)
        cursor = end
    if cursor < len(text):
        result.extend(_fillers(text, cursor, len(text)))
    return tuple(result)


def group_blocks(pieces: Sequence[Piece]) -> tuple[Block, ...]:
    """Group pieces into display blocks, keeping every piece and their order.

    Sentences of one paragraph, and the whitespace between them, form a ``paragraph``
    block; markers and headings are blocks of their own; whitespace between blocks
    (blank-line runs included) becomes a ``break`` block that HTML collapses.
    """
    blocks: list[Block] = []
    current: list[Piece] = []
    current_paragraph: int | None = None
    pending: list[Piece] = []

    def flush() -> None:
        nonlocal current, current_paragraph
        if current:
            blocks.append(Block("paragraph", tuple(current)))
        current, current_paragraph = [], None

    def flush_pending() -> None:
        if pending:
            blocks.append(Block("break", tuple(pending)))
            pending.clear()

    for piece in pieces:
        if piece.kind == "gap":
            pending.append(piece)
            continue
        continues = bool(current) and (
            piece.kind == "text"
            or (piece.kind == "sentence" and piece.paragraph == current_paragraph)
        )
        if continues:
            current.extend(pending)
            pending.clear()
        else:
            flush()
            flush_pending()
        if piece.kind in ("marker", "heading"):
            blocks.append(Block(piece.kind, (piece,)))
            continue
        current.append(piece)
        if piece.kind == "sentence":
            current_paragraph = piece.paragraph
    flush()
    flush_pending()
    return tuple(blocks)


def diff_pieces(text: str, span: Span, ops: Sequence[DiffOp], side: Side) -> tuple[DiffPiece, ...]:
    """Return ``text[span]`` as runs marked changed or equal by the word-diff ``ops``.

    Runs the ops leave out (such as spaces between words) are shown unchanged, so the runs
    always join to the whole passage.
    """
    result: list[DiffPiece] = []
    cursor = span.start
    for op in sorted(ops, key=lambda o: o.a if side == "a" else o.b):
        own = op.a if side == "a" else op.b
        start = max(own.start, cursor)
        end = min(own.end, span.end)
        if end <= start:
            continue
        if start > cursor:
            result.append(DiffPiece(text[cursor:start], False))
        result.append(DiffPiece(text[start:end], op.tag != "equal"))
        cursor = end
    if cursor < span.end:
        result.append(DiffPiece(text[cursor : span.end], False))
    return tuple(result)


def _article(
    document: Document, alignment: Alignment, side: Side, document_id: int | None
) -> ArticleView:
    pieces = document_pieces(document, alignment, side)
    return ArticleView(side, side.upper(), document, pieces, group_blocks(pieces), document_id)


def _bars(
    document: Document, alignment: Alignment, side: Side, families: Sequence[int]
) -> tuple[OverviewBar, ...]:
    sentences = prose_sentences(document)
    step = OVERVIEW_HEIGHT / max(len(sentences), 1)
    # A small gap between bars, but never less than a sliver of bar.
    gap = min(step * 0.22, 4.0)
    membership: dict[int, list[int]] = {}
    for number, pair in enumerate(alignment.pairs):
        for index in pair.a_sentences if side == "a" else pair.b_sentences:
            membership.setdefault(index, []).append(number)
    x = 0 if side == "a" else OVERVIEW_WIDTH - OVERVIEW_BAR
    bars = []
    for index, sentence in enumerate(sentences):
        numbers = membership.get(index, [])
        bars.append(
            OverviewBar(
                side=side,
                sentence=index,
                x=x,
                y=round(index * step + gap / 2, 2),
                height=round(step - gap, 2),
                pairs=tuple(n + 1 for n in numbers),
                family=families[numbers[0]] % FAMILY_COLOURS if numbers else None,
                text=sentence.span.slice(document.text),
            )
        )
    return tuple(bars)


def build_overview(a: Document, b: Document, alignment: Alignment) -> Overview:
    """Lay out the overview graphic: one bar per sentence, one band per passage pair.

    Each side's sentences share the full height, so both stories run top to bottom and a
    band's slope shows where one article puts what the other says earlier or later.
    """
    families = pair_families(alignment)
    bars_a = _bars(a, alignment, "a", families)
    bars_b = _bars(b, alignment, "b", families)
    links = []
    left, right = OVERVIEW_BAR, OVERVIEW_WIDTH - OVERVIEW_BAR
    middle = OVERVIEW_WIDTH / 2
    for number, pair in enumerate(alignment.pairs, start=1):
        if not pair.a_sentences or not pair.b_sentences:
            continue
        if max(pair.a_sentences) >= len(bars_a) or max(pair.b_sentences) >= len(bars_b):
            continue  # an alignment stored for another segmentation: draw what fits
        a_top = bars_a[min(pair.a_sentences)].y
        a_last = bars_a[max(pair.a_sentences)]
        b_top = bars_b[min(pair.b_sentences)].y
        b_last = bars_b[max(pair.b_sentences)]
        a_bottom = a_last.y + a_last.height
        b_bottom = b_last.y + b_last.height
        path = (
            f"M{left} {a_top:g}C{middle:g} {a_top:g} {middle:g} {b_top:g} {right} {b_top:g}"
            f"L{right} {b_bottom:g}C{middle:g} {b_bottom:g} {middle:g} {a_bottom:g} "
            f"{left} {a_bottom:g}Z"
        )
        links.append(
            OverviewLink(
                number=number,
                family=families[number - 1] % FAMILY_COLOURS,
                kind=pair.kind,
                path=path,
                a_sentences=pair.a_sentences,
                b_sentences=pair.b_sentences,
                confidence=pair.confidence or "low",
            )
        )
    return Overview(OVERVIEW_WIDTH, OVERVIEW_HEIGHT, OVERVIEW_BAR, bars_a, bars_b, tuple(links))


def build_comparison(
    title: str,
    a: Document,
    b: Document,
    *,
    alignment: Alignment | None = None,
    document_ids: tuple[int, int] | None = None,
) -> ComparisonView:
    """Prepare everything the comparison pages display; align ``a`` and ``b`` unless given."""
    if alignment is None:
        alignment = align_documents(a, b)
    alignment = explain_alignment(alignment, a, b)
    a_id, b_id = document_ids if document_ids is not None else (None, None)
    languages = (detect_language(a.text), detect_language(b.text))
    families = pair_families(alignment)
    pairs = []
    for number, pair in enumerate(alignment.pairs, start=1):
        ops = diff_passages(a.text, pair.a, b.text, pair.b)
        pairs.append(
            PairView(
                number=number,
                family=families[number - 1] % FAMILY_COLOURS,
                kind=pair.kind,
                score=pair.score,
                a_text=pair.a.slice(a.text),
                b_text=pair.b.slice(b.text),
                a_diff=diff_pieces(a.text, pair.a, ops, "a"),
                b_diff=diff_pieces(b.text, pair.b, ops, "b"),
                a_first=min(pair.a_sentences),
                evidence=pair.evidence,
                confidence=pair.confidence or "low",
            )
        )
    return ComparisonView(
        title=title,
        a=_article(a, alignment, "a", a_id),
        b=_article(b, alignment, "b", b_id),
        alignment=alignment,
        pairs=tuple(pairs),
        only_a=_only(a, alignment.only_a),
        only_b=_only(b, alignment.only_b),
        overview=build_overview(a, b, alignment),
        languages=languages,
        cross_language=cross_language_notice(*languages),
    )


def _only(document: Document, spans: Sequence[Span]) -> tuple[OnlyView, ...]:
    index_of = {s.start: i for i, s in enumerate(prose_sentences(document))}
    return tuple(
        OnlyView(index_of[span.start], span.slice(document.text))
        for span in spans
        if span.start in index_of
    )
