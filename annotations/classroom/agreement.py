"""Agreement statistics on plain labelled spans: matching against a key, scores, alpha, coverage.

The public face of three modules. :mod:`annotations.classroom.matching` compares one response
with a key (:func:`match_spans`, :func:`score`); :mod:`annotations.classroom.reliability`
measures agreement among several annotators with :func:`krippendorff_alpha` over the yes/no
decision "does this sentence carry this tag". This module adds the class-level summaries:
:func:`pairwise_f1` between every two annotators, and :func:`coverage`, how many people
tagged each stretch of a document, for a class heatmap.

Every span is half-open ``[start, end)`` in code points. An empty span matches nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from itertools import pairwise

from annotations.classroom.matching import LabeledSpan
from annotations.classroom.matching import MatchResult
from annotations.classroom.matching import Scores
from annotations.classroom.matching import SpanMatch
from annotations.classroom.matching import _augment
from annotations.classroom.matching import _check_min_overlap
from annotations.classroom.matching import _overlaps_enough
from annotations.classroom.matching import _scores
from annotations.classroom.matching import match_spans
from annotations.classroom.matching import micro_scores
from annotations.classroom.matching import score
from annotations.classroom.matching import scores_by_tag
from annotations.classroom.matching import spans_match
from annotations.classroom.reliability import AlphaResult
from annotations.classroom.reliability import Level
from annotations.classroom.reliability import Unit
from annotations.classroom.reliability import krippendorff_alpha
from annotations.classroom.reliability import reliability_alpha
from annotations.classroom.reliability import sentence_decisions
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
