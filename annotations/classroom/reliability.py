"""Reliability among several annotators: sentence-and-tag decisions and Krippendorff's alpha.

Each annotator decides, for every sentence (a :class:`Unit`) and every tag, whether the
sentence carries the tag (:func:`sentence_decisions`); :func:`krippendorff_alpha` measures how
far those yes/no decisions agree beyond chance, with nominal alpha computed by
:func:`reliability_alpha` from Krippendorff's coincidence matrix.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from annotations.classroom.matching import LabeledSpan
from annotations.classroom.matching import _check_min_overlap
from annotations.classroom.matching import _overlaps_enough
from annotations.errors import SpanError

__all__ = [
    "AlphaResult",
    "Level",
    "Unit",
    "krippendorff_alpha",
    "reliability_alpha",
    "sentence_decisions",
]


@dataclass(frozen=True, slots=True)
class Unit:
    """A sentence: the unit of sentence-level tag decisions."""

    document_id: int
    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise SpanError(f"invalid unit [{self.start}, {self.end})")


@dataclass(frozen=True, slots=True)
class AlphaResult:
    """Krippendorff's alpha, or None with the reason it cannot be computed."""

    alpha: float | None
    annotators: int
    units: int
    reason: str = ""


def sentence_decisions(
    annotators: Mapping[str, Sequence[LabeledSpan]],
    units: Sequence[Unit],
    tags: Sequence[str],
    *,
    min_overlap: float = 0.5,
) -> list[list[int]]:
    """Return the reliability matrix: for each annotator, 1 or 0 for each (sentence, tag).

    Rows follow the annotators' names in sorted order; columns run through the units, and
    for each unit through the tags. A cell is 1 when one of the annotator's spans with that
    tag overlaps the unit by ``min_overlap`` of the shorter of the two.

    >>> sentence_decisions({"ann": [LabeledSpan(1, 0, 4, "x")]}, [Unit(1, 0, 9)], ["x", "y"])
    [[1, 0]]
    """
    _check_min_overlap(min_overlap)
    tag_index = {tag: number for number, tag in enumerate(tags)}
    # Each span looks up the units it can touch (bisecting the document's sorted unit starts)
    # instead of every unit asking every span.
    by_document: dict[int, list[int]] = defaultdict(list)
    for number, unit in enumerate(units):
        by_document[unit.document_id].append(number)
    lookup: dict[int, tuple[list[int], list[int], int]] = {}
    for document_id, numbers in by_document.items():
        numbers.sort(key=lambda number: units[number].start)
        longest = max(units[number].end - units[number].start for number in numbers)
        lookup[document_id] = (numbers, [units[number].start for number in numbers], longest)
    width = len(tags)
    matrix: list[list[int]] = []
    for name in sorted(annotators):
        row = [0] * (len(units) * width)
        for span in annotators[name]:
            column = tag_index.get(span.tag)
            found = lookup.get(span.document_id)
            if column is None or found is None:
                continue
            numbers, starts, longest = found
            low = bisect.bisect_left(starts, span.start - longest)
            high = bisect.bisect_left(starts, span.end)
            for number in numbers[low:high]:
                unit = units[number]
                if _overlaps_enough(span.start, span.end, unit.start, unit.end, min_overlap):
                    row[number * width + column] = 1
        matrix.append(row)
    return matrix


Level = Literal["nominal", "interval"]


def reliability_alpha(
    data: Sequence[Sequence[float | None]] | npt.ArrayLike, *, level: Level = "nominal"
) -> float | None:
    """Return Krippendorff's alpha of reliability data: one row per coder, one column per unit.

    Missing values are NaN or None. Units with fewer than two values carry no pairs and are
    left out. ``nominal`` counts every two different values as a full disagreement;
    ``interval`` weighs them by their squared difference. Follows Krippendorff, "Computing
    Krippendorff's Alpha-Reliability" (2011): the coincidence matrix ``o[c, k]`` sums, over
    units with ``m`` values, each ordered pair of values of different coders with weight
    ``1 / (m - 1)``; then ``alpha = 1 - (n - 1) * sum(o * d) / sum(n_c * n_k * d)``.
    Written here rather than taken from the ``krippendorff`` package, whose GPL licence would
    bind all of Parallax. Returns None when no unit has two values or every pairable value is
    the same (alpha is then 0/0).

    >>> coder_a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    >>> coder_b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    >>> round(reliability_alpha([coder_a, coder_b]), 3)
    0.095
    """
    if level not in ("nominal", "interval"):
        raise ValueError(f"level must be 'nominal' or 'interval', not {level!r}")
    matrix = np.array(data, dtype=float)
    if matrix.ndim != 2:
        raise ValueError("reliability data must be a table: one row per coder")
    present = ~np.isnan(matrix)
    values, codes = np.unique(matrix[present], return_inverse=True)
    if values.size < 2:
        return None
    # counts[u, v]: how many coders gave unit u the value v.
    counts = np.zeros((matrix.shape[1], values.size))
    units = np.nonzero(present)[1]
    np.add.at(counts, (units, codes), 1)
    pairable = counts.sum(axis=1)
    counts = counts[pairable >= 2]
    pairable = pairable[pairable >= 2]
    if counts.size == 0:
        return None
    weighted = counts / (pairable - 1)[:, None]
    coincidences = weighted.T @ counts - np.diag(weighted.sum(axis=0))
    totals = coincidences.sum(axis=1)
    n = totals.sum()
    if level == "nominal":
        distance = 1.0 - np.eye(values.size)
    else:
        distance = np.subtract.outer(values, values) ** 2
    expected = float(totals @ distance @ totals)
    if expected == 0:
        return None
    observed = float((coincidences * distance).sum())
    return 1.0 - float(n - 1) * observed / expected


def krippendorff_alpha(
    annotators: Mapping[str, Sequence[LabeledSpan]],
    units: Sequence[Unit],
    tags: Sequence[str],
    *,
    min_overlap: float = 0.5,
) -> AlphaResult:
    """Return nominal Krippendorff's alpha over the sentence-and-tag decisions of annotators.

    The decisions are :func:`sentence_decisions`; every annotator decides every cell, so
    there are no missing values. Alpha is 1 for perfect agreement and 0 for agreement no
    better than chance. It is None, with a reason, when there are fewer than two annotators,
    no decisions, or a single value everywhere (then observed and expected disagreement are
    both zero and alpha is 0/0).
    """
    decisions = sentence_decisions(annotators, units, tags, min_overlap=min_overlap)
    count = len(units) * len(tags)

    def undefined(reason: str) -> AlphaResult:
        return AlphaResult(alpha=None, annotators=len(annotators), units=count, reason=reason)

    if len(annotators) < 2:
        return undefined("Alpha needs at least two annotators.")
    if count == 0:
        return undefined("Alpha needs at least one sentence and one tag to decide on.")
    values = {value for row in decisions for value in row}
    if len(values) < 2:
        return undefined("Every decision is the same: alpha is undefined.")
    value = reliability_alpha(decisions, level="nominal")
    if value is None or not math.isfinite(value):
        return undefined("Alpha is undefined for these decisions.")
    return AlphaResult(alpha=value, annotators=len(annotators), units=count)
