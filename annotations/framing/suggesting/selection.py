"""Choose among the candidates: one per span and device, few enough to read, never a wall.

Candidates of one device that overlap are merged into the surest one. Then each document
keeps at most ``PER_THOUSAND_WORDS`` suggestions per 1,000 words (the surest first) and
highlights at most ``MAX_COVERAGE`` of its text: sentence-sized suggestions are dropped,
least sure first, until it does. A sentence that sells something is not also proposed as
an omission: the promotion is the point.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from annotations.framing.suggesting.devices import Candidate
from annotations.framing.suggesting.reading import Reading

__all__ = ["MAX_COVERAGE", "MIN_SCORE", "PER_THOUSAND_WORDS", "select"]

MIN_SCORE = 0.5
PER_THOUSAND_WORDS = 22
MAX_COVERAGE = 0.4


def _merge(candidates: list[Candidate]) -> list[Candidate]:
    """Keep, of each run of overlapping same-device candidates, the surest."""
    kept: list[Candidate] = []
    by_key = sorted(candidates, key=lambda c: (c.document, c.device, c.start, -c.score))
    for candidate in by_key:
        last = kept[-1] if kept else None
        if (
            last is not None
            and last.document == candidate.document
            and last.device == candidate.device
            and candidate.start < last.end
        ):
            if candidate.score > last.score:
                kept[-1] = candidate
            continue
        kept.append(candidate)
    return kept


def _coverage(candidates: Sequence[Candidate]) -> int:
    spans = sorted((c.start, c.end) for c in candidates)
    covered, reach = 0, 0
    for start, end in spans:
        if end > reach:
            covered += end - max(start, reach)
            reach = end
    return covered


def select(candidates: list[Candidate], readings: Sequence[Reading]) -> list[Candidate]:
    """Return the candidates to show, in no particular order."""
    promoted = {(c.document, c.start) for c in candidates if c.device == "promotional"}
    candidates = [
        c
        for c in candidates
        if c.score >= MIN_SCORE
        and not (c.device == "selective-emphasis" and (c.document, c.start) in promoted)
    ]
    chosen: list[Candidate] = []
    for index, reading in enumerate(readings):
        own = _merge([c for c in candidates if c.document == index])
        own.sort(key=lambda c: (-c.score, c.start, c.device))
        budget = max(3, math.ceil(reading.words * PER_THOUSAND_WORDS / 1000))
        own = own[:budget]
        limit = MAX_COVERAGE * len(reading.text)
        if _coverage(own) > limit:
            sentences = sorted((c for c in own if c.sentence), key=lambda c: (c.score, -c.start))
            dropped: set[int] = set()
            for candidate in sentences:
                dropped.add(id(candidate))
                if _coverage([c for c in own if id(c) not in dropped]) <= limit:
                    break
            own = [c for c in own if id(c) not in dropped]
        chosen.extend(own)
    return chosen
