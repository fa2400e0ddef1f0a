"""Span matching against a key: one response, one key, precision, recall and F1.

A response (a student's tags, or one annotator's) is compared with a key (the teacher's tags,
or another annotator's) one tag at a time: a :class:`LabeledSpan` is one tag on one span, so
an annotation with three tags is three of them. Two spans match when they are in the same
document, carry the same tag, and share at least ``min_overlap`` of the shorter span's length.
:func:`match_spans` pairs them one-to-one with as many matches as possible, and
:func:`score` turns the result into precision, recall and F1.

Every span is half-open ``[start, end)`` in code points. An empty span matches nothing.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from annotations.errors import SpanError

__all__ = [
    "LabeledSpan",
    "MatchResult",
    "Scores",
    "SpanMatch",
    "match_spans",
    "micro_scores",
    "score",
    "scores_by_tag",
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
