"""Find a quoted span again in a text: exact match first, then a fuzzy one.

An annotation stores its offsets together with the exact quote and a little context on each
side (``prefix``/``suffix``). When the offsets no longer fit (the client counted differently,
or the quote came from another copy of the text), :func:`anchor_quote` finds where the quote
now is. Offsets are ``[start, end)`` in code points, like every span in Parallax.
"""

from __future__ import annotations

from typing import Final

from rapidfuzz import fuzz

from annotations.records import Span

__all__ = [
    "CONTEXT_WIDTH",
    "FUZZY_CUTOFF",
    "anchor_quote",
    "context_of",
]

CONTEXT_WIDTH: Final = 32
FUZZY_CUTOFF: Final = 85.0


def context_of(text: str, start: int, end: int, *, width: int = CONTEXT_WIDTH) -> tuple[str, str]:
    """Return up to ``width`` code points of ``text`` before ``start`` and after ``end``.

    >>> context_of("The quick brown fox jumps", 4, 9, width=4)
    ('The ', ' bro')
    >>> context_of("abc", 0, 3)
    ('', '')
    """
    return text[max(0, start - width) : start], text[end : end + width]


def _occurrences(text: str, quote: str) -> list[int]:
    found: list[int] = []
    position = text.find(quote)
    while position != -1:
        found.append(position)
        # Overlapping matches count: "aa" occurs twice in "aaa".
        position = text.find(quote, position + 1)
    return found


def _shared_tail(a: str, b: str) -> int:
    count = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        count += 1
    return count


def _shared_head(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


def _context_score(text: str, start: int, end: int, prefix: str, suffix: str) -> int:
    before = text[max(0, start - len(prefix)) : start]
    after = text[end : end + len(suffix)]
    return _shared_tail(before, prefix) + _shared_head(after, suffix)


def anchor_quote(
    text: str,
    quote: str,
    *,
    prefix: str = "",
    suffix: str = "",
    hint: int | None = None,
    score_cutoff: float = FUZZY_CUTOFF,
) -> Span | None:
    """Return where ``quote`` is in ``text``, or None when it is nowhere near.

    Exact occurrences win. Among several, the one whose surroundings agree most with
    ``prefix`` and ``suffix`` is chosen, then the one nearest ``hint`` (an expected start),
    then the first. Without an exact occurrence, RapidFuzz's ``partial_ratio_alignment``
    finds the best window of ``text`` and its span is returned when it scores at least
    ``score_cutoff`` (0-100). The texts are compared as they are (no preprocessing), so the
    offsets stay true to ``text``.

    >>> text = "Make it so. Make Japan Great Again. Make it so."
    >>> anchor_quote(text, "Make it so.")
    Span(start=0, end=11)
    >>> anchor_quote(text, "Make it so.", hint=40)
    Span(start=36, end=47)
    >>> anchor_quote(text, "Make it so.", prefix="Again. ")
    Span(start=36, end=47)
    >>> anchor_quote(text, "Make Japan Graet Again")
    Span(start=12, end=34)
    >>> anchor_quote(text, "Build the wall") is None
    True
    """
    if not quote or not text:
        return None
    starts = _occurrences(text, quote)
    if starts:
        length = len(quote)

        def rank(start: int) -> tuple[int, int, int]:
            agreement = _context_score(text, start, start + length, prefix, suffix)
            distance = abs(start - hint) if hint is not None else 0
            return (-agreement, distance, start)

        best = min(starts, key=rank)
        return Span(best, best + length)
    alignment = fuzz.partial_ratio_alignment(quote, text, score_cutoff=score_cutoff)
    if alignment is None or alignment.dest_end <= alignment.dest_start:
        return None
    return Span(alignment.dest_start, alignment.dest_end)
