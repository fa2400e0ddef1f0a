"""Choose among the candidates: one per span and device, few enough to read, never a wall.

Candidates of one device that overlap are merged into the surest one. The rest are taken in
order of rank (the score, plus a bonus for the devices a teacher most wants found: a
headline, a promotion, a slogan, an omitted fact) while the comparison stays within
``PER_THOUSAND_WORDS`` suggestions per 1,000 words of all its documents together, and each
document within ``MAX_COVERAGE`` of its text highlighted (overlaps counted twice, so the
true share is lower). A sentence that sells something is not also proposed as an omission:
the promotion is the point.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from annotations.framing.suggesting.devices import Candidate
from annotations.framing.suggesting.reading import Reading

__all__ = ["MAX_COVERAGE", "MIN_SCORE", "PER_THOUSAND_WORDS", "PRIORITY", "select"]

MIN_SCORE = 0.5
PER_THOUSAND_WORDS = 25
MAX_COVERAGE = 0.4
#: Rank bonus of the devices that shape how a whole article reads.
PRIORITY = {"headline-framing": 0.3, "promotional": 0.3, "slogan": 0.2, "selective-emphasis": 0.1}


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


def select(candidates: list[Candidate], readings: Sequence[Reading]) -> list[Candidate]:
    """Return the candidates to show, in no particular order."""
    promoted = {(c.document, c.start) for c in candidates if c.device == "promotional"}
    ranked = _merge(
        [
            c
            for c in candidates
            if c.score >= MIN_SCORE
            and not (c.device == "selective-emphasis" and (c.document, c.start) in promoted)
        ]
    )
    ranked.sort(key=lambda c: (-(c.score + PRIORITY.get(c.device, 0.0)), c.document, c.start))
    words = sum(reading.words for reading in readings)
    budget = max(3, math.floor(words * PER_THOUSAND_WORDS / 1000))
    room = [MAX_COVERAGE * len(reading.text) for reading in readings]
    chosen: list[Candidate] = []
    for candidate in ranked:
        if len(chosen) >= budget:
            break
        size = candidate.end - candidate.start
        if size > room[candidate.document]:
            continue
        room[candidate.document] -= size
        chosen.append(candidate)
    return chosen
