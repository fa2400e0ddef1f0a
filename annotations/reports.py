"""Human-readable reports built from core records."""

from __future__ import annotations

import textwrap

from annotations.records import Alignment
from annotations.records import Document
from annotations.records import Span

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

    Each pair shows its score and kind and both passages wrapped in two columns (A on the
    left); then come the passages found only in A and only in B, and a one-line summary.
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
        lines.extend(
            textwrap.wrap(
                f"Pair {number} of {len(alignment.pairs)}: score {pair.score:.1f}, {pair.kind}, "
                f"A {_span_label(pair.a)}, B {_span_label(pair.b)}",
                width=width,
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
