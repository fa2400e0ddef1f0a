"""Reports built from core records: the alignment as text, and what annotations add up to."""

from __future__ import annotations

import bisect
import textwrap
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotations.records import Alignment
from annotations.records import Document
from annotations.records import Span

if TYPE_CHECKING:
    # Imported where a report is built: `parallax align` prints alignments without them.
    from annotations.classroom.agreement import AlphaResult
    from annotations.classroom.agreement import PairAgreement

__all__ = [
    "AnnotationReport",
    "PassageTally",
    "ReportAnnotation",
    "ReportDocument",
    "Tally",
    "build_report",
    "covers",
    "format_alignment_text",
]

_GUTTER = " | "
_MIN_COLUMN = 10


def _display(text: str) -> str:
    """Return ``text`` on one line: a passage may span line breaks in its document."""
    return " ".join(text.split())


def _wrap(text: str, width: int) -> list[str]:
    # break_long_words keeps a URL or a long compound from pushing a column past its width.
    return textwrap.wrap(
        _display(text), width=width, break_long_words=True, break_on_hyphens=True
    ) or [""]


def _document_label(document: Document) -> str:
    parts = [part for part in (document.path, document.meta.title) if part]
    return " - ".join(parts) if parts else "(untitled text)"


def _span_label(span: Span) -> str:
    return f"[{span.start}:{span.end}]"


def _side_by_side(left: str, right: str, column: int, right_column: int) -> list[str]:
    left_lines = _wrap(left, column)
    right_lines = _wrap(right, right_column)
    rows = max(len(left_lines), len(right_lines))
    left_lines += [""] * (rows - len(left_lines))
    right_lines += [""] * (rows - len(right_lines))
    return [
        f"{lhs.ljust(column)}{_GUTTER}{rhs}".rstrip()
        for lhs, rhs in zip(left_lines, right_lines, strict=True)
    ]


def _only_section(title: str, spans: tuple[Span, ...], text: str, width: int) -> list[str]:
    lines = [f"{title} ({len(spans)})", "=" * width]
    if not spans:
        lines.append("(none)")
    for span in spans:
        label = _span_label(span) + " "
        wrapped = textwrap.wrap(
            _display(span.slice(text)),
            width=width,
            initial_indent=label,
            subsequent_indent=" " * len(label),
            break_long_words=True,
        )
        lines.extend(wrapped or [label.rstrip()])
    return lines


def format_alignment_text(
    alignment: Alignment, a: Document, b: Document, *, width: int = 100
) -> str:
    """Return a plain-text report of an alignment: paired passages side by side, then the rest.

    Each pair shows its score, kind and confidence, its evidence (the shared numbers, names
    and words, "A word ≈ B word" where the two wrote them differently) and both passages
    wrapped in two columns (A on the left); then come the passages found only in A and only
    in B, and a one-line summary.
    """
    width = max(width, 2 * _MIN_COLUMN + len(_GUTTER))
    column = (width - len(_GUTTER)) // 2
    right_column = width - len(_GUTTER) - column
    rule = "=" * width
    pairs = len(alignment.pairs)
    summary = (
        f"{pairs} {'pair' if pairs == 1 else 'pairs'}, {len(alignment.only_a)} only in A, "
        f"{len(alignment.only_b)} only in B"
    )
    lines: list[str] = []
    for side, document in (("A", a), ("B", b)):
        lines.extend(
            textwrap.wrap(
                f"{side}: {_document_label(document)}",
                width=width,
                subsequent_indent="   ",
                break_long_words=True,
            )
        )
    lines.extend(textwrap.wrap(f"Threshold {alignment.settings.threshold:g}; {summary}", width))
    lines.append(rule)
    if not alignment.pairs:
        lines.extend(["", "No passages of A and B match."])
    for number, pair in enumerate(alignment.pairs, start=1):
        lines.append("")
        confidence = f", {pair.confidence} confidence" if pair.confidence else ""
        lines.extend(
            textwrap.wrap(
                f"Pair {number} of {len(alignment.pairs)}: score {pair.score:.1f}, {pair.kind}"
                f"{confidence}, A {_span_label(pair.a)}, B {_span_label(pair.b)}",
                width=width,
            )
        )
        if pair.evidence:
            lines.extend(
                textwrap.wrap(
                    "Evidence: " + "; ".join(pair.evidence),
                    width=width,
                    subsequent_indent="  ",
                    break_long_words=True,
                )
            )
        lines.append("-" * width)
        lines.extend(
            _side_by_side(pair.a.slice(a.text), pair.b.slice(b.text), column, right_column)
        )
    lines.append("")
    lines.extend(_only_section("Only in A", alignment.only_a, a.text, width))
    lines.append("")
    lines.extend(_only_section("Only in B", alignment.only_b, b.text, width))
    lines.extend(["", rule, *textwrap.wrap(f"Summary: {summary}", width)])
    return "\n".join(lines) + "\n"


# -- annotation reports -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportAnnotation:
    """One annotation as a report counts it: where, which tags, by whom."""

    document_id: int
    start: int
    end: int
    tags: tuple[str, ...]
    annotator: str


@dataclass(frozen=True, slots=True)
class ReportDocument:
    """One source of a report: its text, its sentences and those only it has."""

    id: int
    label: str
    title: str
    outlet: str
    text: str
    sentences: tuple[Span, ...]
    only: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Tally:
    """Annotations counted by tag for one row (a source or an annotator)."""

    label: str
    counts: dict[str, int]
    total: int


@dataclass(frozen=True, slots=True)
class PassageTally:
    """A sentence and how it was tagged."""

    document_id: int
    label: str
    start: int
    end: int
    text: str
    annotations: int
    annotators: int
    tags: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class AnnotationReport:
    """What a comparison's (or an exercise's) annotations add up to."""

    tags: tuple[str, ...]
    total: int
    by_source: tuple[Tally, ...]
    by_annotator: tuple[Tally, ...]
    top_passages: tuple[PassageTally, ...]
    one_source: tuple[PassageTally, ...]
    alpha: AlphaResult
    pairwise: tuple[PairAgreement, ...]


def covers(start: int, end: int, unit_start: int, unit_end: int) -> bool:
    """Return True if ``[start, end)`` counts for a unit: it overlaps at least half the shorter.

    >>> covers(0, 10, 8, 30), covers(0, 10, 4, 30)
    (False, True)
    """
    overlap = min(end, unit_end) - max(start, unit_start)
    return overlap > 0 and 2 * overlap >= min(end - start, unit_end - unit_start)


def _tally(label: str, items: Sequence[ReportAnnotation]) -> Tally:
    counts = Counter(tag for item in items for tag in item.tags)
    return Tally(label=label, counts=dict(counts), total=len(items))


@dataclass(frozen=True, slots=True)
class _Index:
    """One document's annotations sorted by start, to find those near a sentence quickly."""

    items: tuple[ReportAnnotation, ...]
    starts: tuple[int, ...]
    longest: int

    @classmethod
    def of(cls, items: Sequence[ReportAnnotation]) -> _Index:
        ordered = tuple(sorted(items, key=lambda item: (item.start, item.end)))
        longest = max((item.end - item.start for item in ordered), default=0)
        return cls(ordered, tuple(item.start for item in ordered), longest)

    def near(self, start: int, end: int) -> tuple[ReportAnnotation, ...]:
        low = bisect.bisect_left(self.starts, start - self.longest)
        return self.items[low : bisect.bisect_left(self.starts, end)]


def _passage(document: ReportDocument, span: Span, index: _Index) -> PassageTally:
    inside = [
        item
        for item in index.near(span.start, span.end)
        if covers(item.start, item.end, span.start, span.end)
    ]
    tags = Counter(tag for item in inside for tag in item.tags)
    return PassageTally(
        document_id=document.id,
        label=document.label,
        start=span.start,
        end=span.end,
        text=span.slice(document.text),
        annotations=len(inside),
        annotators=len({item.annotator for item in inside}),
        tags=tuple(sorted(tags.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


def build_report(
    documents: Sequence[ReportDocument],
    annotations: Sequence[ReportAnnotation],
    *,
    tag_order: Sequence[str] = (),
    top: int = 10,
) -> AnnotationReport:
    """Count annotations by source, tag and annotator; rank passages; measure agreement.

    A sentence counts an annotation when the two overlap by at least half of the shorter.
    Agreement runs over every annotator's sentence-level tag decisions (Krippendorff's alpha,
    nominal) and over their spans pair by pair (F1, see :mod:`annotations.classroom.agreement`).

    >>> doc = ReportDocument(1, "A", "T", "O", "One. Two.", (Span(0, 4), Span(5, 9)), ())
    >>> notes = [ReportAnnotation(1, 0, 4, ("x",), "Ana"), ReportAnnotation(1, 5, 9, ("x",), "Ben")]
    >>> report = build_report([doc], notes)
    >>> report.by_source[0].counts, [p.text for p in report.top_passages]
    ({'x': 2}, ['One.', 'Two.'])
    """
    from annotations.classroom.agreement import LabeledSpan
    from annotations.classroom.agreement import Unit
    from annotations.classroom.agreement import krippendorff_alpha
    from annotations.classroom.agreement import pairwise_f1

    used = {tag for item in annotations for tag in item.tags}
    ordered = [tag for tag in tag_order if tag in used]
    tags = (*ordered, *sorted(used - set(ordered)))
    by_document: dict[int, list[ReportAnnotation]] = {}
    by_annotator: dict[str, list[ReportAnnotation]] = {}
    for item in annotations:
        by_document.setdefault(item.document_id, []).append(item)
        by_annotator.setdefault(item.annotator, []).append(item)
    indexes = {document.id: _Index.of(by_document.get(document.id, ())) for document in documents}
    passages = [
        _passage(document, span, indexes[document.id])
        for document in documents
        for span in document.sentences
    ]
    ranked = sorted(
        (p for p in passages if p.annotations),
        key=lambda p: (-p.annotations, -p.annotators, p.label, p.start),
    )
    one_source = [
        _passage(document, span, indexes[document.id])
        for document in documents
        for span in document.only
    ]
    labelled = {
        name: tuple(
            LabeledSpan(item.document_id, item.start, item.end, tag)
            for item in items
            for tag in item.tags
        )
        for name, items in by_annotator.items()
    }
    units = [
        Unit(document.id, span.start, span.end)
        for document in documents
        for span in document.sentences
    ]
    return AnnotationReport(
        tags=tags,
        total=len(annotations),
        by_source=tuple(
            _tally(document.label, by_document.get(document.id, ())) for document in documents
        ),
        by_annotator=tuple(_tally(name, items) for name, items in sorted(by_annotator.items())),
        top_passages=tuple(ranked[:top]),
        one_source=tuple(one_source),
        alpha=krippendorff_alpha(labelled, units, tags),
        pairwise=tuple(pairwise_f1(labelled)),
    )
