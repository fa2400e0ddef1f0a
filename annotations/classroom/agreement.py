"""Agreement statistics on plain labelled spans: matching against a key, scores, alpha, coverage.

A response (a student's tags, or one annotator's) is compared with a key (the teacher's tags,
or another annotator's) one tag at a time: a :class:`LabeledSpan` is one tag on one span, so
an annotation with three tags is three of them. Two spans match when they are in the same
document, carry the same tag, and share at least ``min_overlap`` of the shorter span's length.
:func:`match_spans` pairs them one-to-one with as many matches as possible, and
:func:`score` turns the result into precision, recall and F1.

Agreement among several annotators is measured two ways: :func:`krippendorff_alpha` over the
yes/no decision "does this sentence carry this tag" (nominal alpha, computed by
:func:`reliability_alpha` from Krippendorff's coincidence matrix), and :func:`pairwise_f1`
between every two annotators. :func:`coverage` counts how many people tagged each stretch
of a document, for a class heatmap.

Every span is half-open ``[start, end)`` in code points. An empty span matches nothing.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from itertools import pairwise
from typing import Final
from typing import Literal

import numpy as np
import numpy.typing as npt

from annotations.errors import SpanError

__all__ = [
    "AlphaResult",
    "CoverageRun",
    "LabeledSpan",
    "Level",
    "MatchResult",
    "PairAgreement",
    "Scores",
    "SpanMatch",
    "Unit",
    "coverage",
    "krippendorff_alpha",
    "match_spans",
    "micro_scores",
    "pairwise_f1",
    "reliability_alpha",
    "score",
    "scores_by_tag",
    "sentence_decisions",
    "spans_match",
]

# Lets an overlap of exactly ``min_overlap`` count although ``0.1 * 10`` is not exactly 1.0.
_TOLERANCE: Final = 1e-12


@dataclass(frozen=True, slots=True)
class LabeledSpan:
    """One tag on one span of one document; an annotation with three tags is three of these."""

    document_id: int
    start: int
    end: int
    tag: str
    item_id: str = ""

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise SpanError(f"invalid span [{self.start}, {self.end})")


@dataclass(frozen=True, slots=True)
class SpanMatch:
    """A key item and the response item matched to it."""

    key: LabeledSpan
    response: LabeledSpan


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The matches between a response and a key, and what each side has left over."""

    matched: tuple[SpanMatch, ...]
    missed: tuple[LabeledSpan, ...]
    extra: tuple[LabeledSpan, ...]


@dataclass(frozen=True, slots=True)
class Scores:
    """Counts of a comparison and the precision, recall and F1 they give (None if undefined)."""

    true_positives: int
    false_positives: int
    false_negatives: int
    precision: float | None
    recall: float | None
    f1: float | None


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


@dataclass(frozen=True, slots=True)
class PairAgreement:
    """The scores of two annotators against each other, ``first`` taken as the key."""

    first: str
    second: str
    scores: Scores


@dataclass(frozen=True, slots=True)
class CoverageRun:
    """A stretch ``[start, end)`` of a document and the owners whose spans cover all of it."""

    start: int
    end: int
    count: int
    owners: frozenset[str]


def _check_min_overlap(min_overlap: float) -> None:
    if not 0.0 <= min_overlap <= 1.0:
        raise ValueError("min_overlap must be between 0 and 1")


def _overlap(start_a: int, end_a: int, start_b: int, end_b: int) -> int:
    return max(0, min(end_a, end_b) - max(start_a, start_b))


def _overlaps_enough(
    start_a: int, end_a: int, start_b: int, end_b: int, min_overlap: float
) -> bool:
    shared = _overlap(start_a, end_a, start_b, end_b)
    shorter = min(end_a - start_a, end_b - start_b)
    return shared > 0 and shared >= (min_overlap - _TOLERANCE) * shorter


def spans_match(a: LabeledSpan, b: LabeledSpan, *, min_overlap: float = 0.5) -> bool:
    """Return whether two spans share document and tag and overlap enough of the shorter one.

    >>> spans_match(LabeledSpan(1, 0, 10, "slogan"), LabeledSpan(1, 5, 30, "slogan"))
    True
    """
    _check_min_overlap(min_overlap)
    return (
        a.document_id == b.document_id
        and a.tag == b.tag
        and _overlaps_enough(a.start, a.end, b.start, b.end, min_overlap)
    )


def _order(span: LabeledSpan) -> tuple[int, int, int, str, str]:
    return (span.document_id, span.start, span.end, span.tag, span.item_id)


def _closeness(a: LabeledSpan, b: LabeledSpan) -> float:
    """Return the overlap of two spans as a share of their union (1.0 for the same span)."""
    shared = _overlap(a.start, a.end, b.start, b.end)
    return shared / (max(a.end, b.end) - min(a.start, b.start))


def _augment(
    root: int,
    candidates: Sequence[Sequence[int]],
    key_of_response: list[int],
    response_of_key: list[int],
) -> None:
    """Find an augmenting path from key item ``root`` and flip it, if there is one.

    Depth-first search without recursion, so a long chain of reassignments cannot hit
    Python's recursion limit. ``via[i]`` is the response item through which ``path[i]`` leads
    to ``path[i + 1]``.
    """
    seen = [False] * len(key_of_response)
    path = [root]
    next_candidate = [0]
    via: list[int] = []
    while path:
        key = path[-1]
        if next_candidate[-1] == len(candidates[key]):
            path.pop()
            next_candidate.pop()
            if via:
                via.pop()
            continue
        response = candidates[key][next_candidate[-1]]
        next_candidate[-1] += 1
        if seen[response]:
            continue
        seen[response] = True
        via.append(response)
        holder = key_of_response[response]
        if holder == -1:
            for k, r in zip(path, via, strict=True):
                response_of_key[k] = r
                key_of_response[r] = k
            return
        path.append(holder)
        next_candidate.append(0)


def _candidates(
    response: Sequence[LabeledSpan], key: Sequence[LabeledSpan], min_overlap: float
) -> list[list[int]]:
    """Return, for each key item, the response items it may match, closest overlap first."""
    return _candidates_in(_Sorted.of(response), key, min_overlap)


@dataclass(frozen=True, slots=True)
class _Sorted:
    """Response items with their indices in start order, to bisect for overlapping ones."""

    items: Sequence[LabeledSpan]
    order: tuple[int, ...]
    starts: tuple[int, ...]
    longest: int

    @classmethod
    def of(cls, items: Sequence[LabeledSpan]) -> _Sorted:
        order = sorted(range(len(items)), key=lambda i: items[i].start)
        longest = max((item.end - item.start for item in items), default=0)
        return cls(items, tuple(order), tuple(items[i].start for i in order), longest)


def _candidates_in(
    prepared: _Sorted, key: Sequence[LabeledSpan], min_overlap: float
) -> list[list[int]]:
    # Only responses that start before the key ends and after (key start - longest response)
    # can overlap it: bisecting the sorted starts keeps a class-sized group from being n x m.
    response, order, starts, longest = (
        prepared.items,
        prepared.order,
        prepared.starts,
        prepared.longest,
    )
    candidates: list[list[int]] = []
    for k in key:
        low = bisect.bisect_left(starts, k.start - longest)
        high = bisect.bisect_left(starts, k.end)
        matching = sorted(
            i
            for i in order[low:high]
            if _overlaps_enough(k.start, k.end, response[i].start, response[i].end, min_overlap)
        )
        if len(matching) > 1:
            matching.sort(key=lambda i: -_closeness(k, response[i]))
        candidates.append(matching)
    return candidates


def _match_group(
    response: Sequence[LabeledSpan], key: Sequence[LabeledSpan], min_overlap: float
) -> list[tuple[int, int]]:
    """Return a maximum one-to-one matching of one (document, tag) group as index pairs.

    Kuhn's augmenting-path algorithm: each key item in turn either takes a free response
    item or moves earlier matches to other candidates to free one. Trying candidates from the
    closest overlap down keeps close pairs together when the count allows.
    """
    candidates = _candidates(response, key, min_overlap)
    key_of_response = [-1] * len(response)
    response_of_key = [-1] * len(key)
    for root in range(len(key)):
        if candidates[root]:
            _augment(root, candidates, key_of_response, response_of_key)
    return [(k, r) for k, r in enumerate(response_of_key) if r != -1]


def _groups(spans: Iterable[LabeledSpan]) -> dict[tuple[int, str], list[LabeledSpan]]:
    groups: dict[tuple[int, str], list[LabeledSpan]] = defaultdict(list)
    for span in sorted(spans, key=_order):
        groups[(span.document_id, span.tag)].append(span)
    return groups


def match_spans(
    response: Sequence[LabeledSpan], key: Sequence[LabeledSpan], *, min_overlap: float = 0.5
) -> MatchResult:
    """Match response items to key items one-to-one, with as many matches as possible.

    Items match as :func:`spans_match` says. The matching is maximum within every
    (document, tag) group, which a greedy pass is not: a response span that overlaps two key
    spans must go to the one no other response span can take. Among matchings of that size it
    prefers pairs whose overlap is a larger share of their union. Identical response items are
    distinct items: one can match, the other is extra. The result does not depend on the
    order of the inputs; each part is sorted by (document, start, end, tag, item id).

    >>> key = [LabeledSpan(1, 0, 10, "loaded"), LabeledSpan(1, 10, 20, "loaded")]
    >>> response = [LabeledSpan(1, 5, 15, "loaded"), LabeledSpan(1, 0, 4, "loaded")]
    >>> len(match_spans(response, key).matched)
    2
    """
    _check_min_overlap(min_overlap)
    key_groups = _groups(key)
    response_groups = _groups(response)
    matched: list[SpanMatch] = []
    missed: list[LabeledSpan] = []
    extra: list[LabeledSpan] = []
    for group in sorted(key_groups.keys() | response_groups.keys()):
        key_items = key_groups.get(group, [])
        response_items = response_groups.get(group, [])
        pairs = _match_group(response_items, key_items, min_overlap)
        matched_keys = {k for k, _ in pairs}
        matched_responses = {r for _, r in pairs}
        matched.extend(SpanMatch(key_items[k], response_items[r]) for k, r in pairs)
        missed.extend(s for i, s in enumerate(key_items) if i not in matched_keys)
        extra.extend(s for i, s in enumerate(response_items) if i not in matched_responses)
    matched.sort(key=lambda m: (_order(m.key), _order(m.response)))
    missed.sort(key=_order)
    extra.sort(key=_order)
    return MatchResult(matched=tuple(matched), missed=tuple(missed), extra=tuple(extra))


def _scores(true_positives: int, false_positives: int, false_negatives: int) -> Scores:
    predicted = true_positives + false_positives
    expected = true_positives + false_negatives
    precision = true_positives / predicted if predicted else None
    recall = true_positives / expected if expected else None
    f1: float | None = None
    if precision is not None and recall is not None:
        # 2TP / (2TP + FP + FN) equals 2PR / (P + R) and is 0.0, not 0/0, when TP is 0.
        f1 = 2 * true_positives / (2 * true_positives + false_positives + false_negatives)
    return Scores(
        true_positives=true_positives,
        false_positives=false_positives,
        false_negatives=false_negatives,
        precision=precision,
        recall=recall,
        f1=f1,
    )


def score(result: MatchResult) -> Scores:
    """Return precision, recall and F1 of a match result (None where undefined).

    Precision is None when the response is empty, recall is None when the key is empty,
    and F1 is None when either is; F1 is 0.0 when nothing matched on both non-empty sides.

    >>> score(MatchResult(matched=(), missed=(LabeledSpan(1, 0, 5, "slogan"),), extra=())).recall
    0.0
    """
    return _scores(len(result.matched), len(result.extra), len(result.missed))


def scores_by_tag(result: MatchResult) -> dict[str, Scores]:
    """Return the scores of each tag found in the key or the response, keyed by tag in order."""
    true_positives: dict[str, int] = defaultdict(int)
    false_positives: dict[str, int] = defaultdict(int)
    false_negatives: dict[str, int] = defaultdict(int)
    for match in result.matched:
        true_positives[match.key.tag] += 1
    for span in result.extra:
        false_positives[span.tag] += 1
    for span in result.missed:
        false_negatives[span.tag] += 1
    tags = sorted(true_positives.keys() | false_positives.keys() | false_negatives.keys())
    return {
        tag: _scores(true_positives[tag], false_positives[tag], false_negatives[tag])
        for tag in tags
    }


def micro_scores(results: Sequence[MatchResult]) -> Scores:
    """Return the scores of several match results pooled: counts summed, then computed."""
    return _scores(
        sum(len(r.matched) for r in results),
        sum(len(r.extra) for r in results),
        sum(len(r.missed) for r in results),
    )


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


def pairwise_f1(
    annotators: Mapping[str, Sequence[LabeledSpan]], *, min_overlap: float = 0.5
) -> list[PairAgreement]:
    """Return the span scores of every two annotators, pairs in sorted name order.

    The first name of a pair is taken as the key and the second as the response; swapping
    them swaps precision and recall and leaves F1 unchanged.
    """
    _check_min_overlap(min_overlap)
    names = sorted(annotators)
    # One sweep per (document, tag) over everybody's spans finds every overlapping pair of
    # items of two different annotators; each pair of annotators then only matches its own
    # few edges. A class of 40 makes 780 pairs: matching each pair from scratch would
    # compare every item of one with the other's, 780 times over.
    groups: dict[tuple[int, str], list[tuple[int, int, int, int]]] = defaultdict(list)
    for owner, name in enumerate(names):
        for item, span in enumerate(annotators[name]):
            groups[(span.document_id, span.tag)].append((span.start, span.end, owner, item))
    edges: dict[tuple[int, int], dict[tuple[int, str], list[tuple[int, int]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for group, items in groups.items():
        items.sort()
        active: list[tuple[int, int, int, int]] = []
        for start, end, owner, item in items:
            active = [entry for entry in active if entry[1] > start]
            for a_start, a_end, a_owner, a_item in active:
                if a_owner != owner and _overlaps_enough(a_start, a_end, start, end, min_overlap):
                    if a_owner < owner:
                        edges[(a_owner, owner)][group].append((a_item, item))
                    else:
                        edges[(owner, a_owner)][group].append((item, a_item))
            active.append((start, end, owner, item))
    pairs = []
    for first, second in combinations(range(len(names)), 2):
        found = edges.get((first, second), {})
        matched = sum(_matching_size(links) for links in found.values())
        key_total = len(annotators[names[first]])
        response_total = len(annotators[names[second]])
        pairs.append(
            PairAgreement(
                first=names[first],
                second=names[second],
                scores=_scores(matched, response_total - matched, key_total - matched),
            )
        )
    return pairs


def _matching_size(links: Sequence[tuple[int, int]]) -> int:
    """Return the size of a maximum matching of a bipartite graph given as (key, response) edges.

    A greedy pass takes a free response for each key item; augmenting paths then run only for
    the key items left over, which still gives the maximum size.
    """
    key_ids: dict[int, int] = {}
    response_ids: dict[int, int] = {}
    candidates: list[list[int]] = []
    for key, response in links:
        k = key_ids.setdefault(key, len(key_ids))
        if k == len(candidates):
            candidates.append([])
        candidates[k].append(response_ids.setdefault(response, len(response_ids)))
    key_of_response = [-1] * len(response_ids)
    response_of_key = [-1] * len(candidates)
    for k, options in enumerate(candidates):
        for r in options:
            if key_of_response[r] == -1:
                key_of_response[r], response_of_key[k] = k, r
                break
    for k in range(len(candidates)):
        if response_of_key[k] == -1:
            _augment(k, candidates, key_of_response, response_of_key)
    return sum(1 for r in response_of_key if r != -1)


def coverage(spans: Sequence[tuple[str, int, int]]) -> list[CoverageRun]:
    """Return the stretches of one document covered by at least one owner, and by whom.

    Input is ``(owner, start, end)`` triples. Runs are maximal: a run ends only where the set
    of covering owners changes or coverage stops. An owner whose spans overlap counts once.

    >>> [(r.start, r.end, r.count) for r in coverage([("ann", 0, 10), ("bob", 5, 15)])]
    [(0, 5, 1), (5, 10, 2), (10, 15, 1)]
    """
    events: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for owner, start, end in spans:
        if start < 0 or end < start:
            raise SpanError(f"invalid span [{start}, {end})")
        if start < end:
            events[start].append((owner, 1))
            events[end].append((owner, -1))
    active: dict[str, int] = defaultdict(int)
    runs: list[CoverageRun] = []
    for position, following in pairwise(sorted(events)):
        for owner, change in events[position]:
            active[owner] += change
            if not active[owner]:
                del active[owner]
        if not active:
            continue
        owners = frozenset(active)
        if runs and runs[-1].end == position and runs[-1].owners == owners:
            last = runs.pop()
            runs.append(CoverageRun(last.start, following, len(owners), owners))
        else:
            runs.append(CoverageRun(position, following, len(owners), owners))
    return runs
