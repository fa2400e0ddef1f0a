"""How likely a candidate sentence pair is a link: a small logistic model over its evidence.

A pair's score alone does not say whether two sentences report the same fact: a headline
shares words with half of an article, a long sentence dilutes a short shared fact, and a
sentence that condenses two is near both and the best of neither. The decision therefore
weighs several signals of each candidate pair, all computed from the weighted terms:

- ``score``: the weighted overlap over the sizes (see ``align._pair_score``), as a log;
- ``containment``: the overlap over the smaller sentence's weight (short in long);
- ``informative``: how many shared terms are informative (weight >= 2);
- ``margin``: how far the score stands above the background of the sentence it stands out
  for (what merely sharing the topic earns);
- ``near_best_low`` / ``near_best_high``: the score as a share of each sentence's best;
- ``position``: how far apart the two sentences sit in their articles (0 to 1): reports of
  one event tend to tell it in the same order (scaled down in texts of a few sentences,
  where every sentence is near the start or the end);
- ``diagonal`` / ``adjacent``: the best score of the pairs one step along both articles
  (the neighbours of a run of links) and one step along one (a sentence that condenses
  two of the other side);
- ``number``: the pair shares a rare number; ``headline``: one side has no closing
  punctuation (a headline, a bullet), which shares words widely; ``other_numbers``: both
  sides hold numbers but share none ("$550 billion" against "2%"), a sign of two facts.

The weights were fitted by L2-regularised logistic regression on the ``dev`` half of the
gold set (``bench/fit_links.py`` refits them and prints this table); the ``test`` half was
not used. The probability also gives each link its confidence band (``band``), with
cut-offs chosen on ``dev`` so that a ``high`` link is right about nine times in ten.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import LCSseq

from annotations.records import Confidence
from annotations.text.tokens import is_number_term
from annotations.text.weighing import Weighed
from annotations.text.weighing import encode_terms

__all__ = [
    "FEATURES",
    "HIGH",
    "KEEP",
    "MEDIUM",
    "INFORMATIVE",
    "Candidates",
    "band",
    "eligible_candidates",
    "feature_matrix",
    "is_headline_like",
    "link_probability",
    "reports_one_event",
]

FEATURES = (
    "score",
    "containment",
    "informative",
    "margin",
    "near_best_low",
    "near_best_high",
    "position",
    "diagonal",
    "adjacent",
    "number",
    "headline",
    "other_numbers",
)
# Fitted on dev by bench/fit_links.py (raw feature units; see the module docstring).
_WEIGHTS = np.array(
    [
        -1.9222,  # score
        1.8647,  # containment
        0.4767,  # informative
        0.0622,  # margin
        2.6104,  # near_best_low
        0.9633,  # near_best_high
        -3.3015,  # position
        0.0167,  # diagonal
        0.0172,  # adjacent
        0.8395,  # number
        -0.1614,  # headline
        -0.3408,  # other_numbers
    ],
    dtype=np.float64,
)
_INTERCEPT = 0.2160
KEEP = 0.5
"""A candidate becomes a link from this probability."""
HIGH = 0.9
"""From this probability a link is ``high`` confidence."""
MEDIUM = 0.6
"""From this probability a link is ``medium``; below it ``low``."""

_POSITION_SENTENCES = 8
INFORMATIVE = 2
"""Weight from which a shared term is informative."""
_MIN_SHARED_TERMS = 2
_STRONG_TERM = 4  # weight of a shared term that backs a candidate on its own
# Two texts of at least _ONE_EVENT_SENTENCES sentences report one event when at least
# _MIN_STRONG sentence pairs, and as many as _STRONG_SHARE of the shorter text's sentences,
# score at least _STRONG_SCORE (see reports_one_event).
_STRONG_SCORE = 30.0
_MIN_STRONG = 2
_STRONG_SHARE = 0.1
_ONE_EVENT_SENTENCES = 6
_CLOSED = re.compile(r"""[.!?…。！？]["'”’»)\]」』）]*\s*\Z""")


@dataclass(frozen=True, slots=True)
class Candidates:
    """Candidate sentence pairs as parallel arrays, with what their features need.

    ``containment``, ``informative`` and ``other_numbers`` are filled in by
    ``eligible_candidates``.
    """

    rows: npt.NDArray[np.intp]
    cols: npt.NDArray[np.intp]
    scores: npt.NDArray[np.float64]
    shares_number: npt.NDArray[np.bool_]
    background_a: npt.NDArray[np.float32]
    background_b: npt.NDArray[np.float32]
    containment: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    informative: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    other_numbers: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))


def eligible_candidates(
    found: Candidates, weighed: Weighed, *, threshold: float, near_best: float
) -> Candidates:
    """Return the candidates a link may come from, with what their features need.

    A candidate reaches the threshold (or, sharing a rare number, its lower floor), is near
    the best score of at least one of its two sentences, and is backed by two informative
    shared terms or one strong one (a single "7" or "said" is no evidence of a fact).
    """
    rows, cols, score = found.rows, found.cols, found.scores
    best_a = np.zeros(len(weighed.a.terms))
    best_b = np.zeros(len(weighed.b.terms))
    np.maximum.at(best_a, rows, score)
    np.maximum.at(best_b, cols, score)
    eligible = ((score >= threshold) | found.shares_number) & (
        (score >= near_best * best_a[rows]) | (score >= near_best * best_b[cols])
    )
    rows, cols, score = rows[eligible], cols[eligible], score[eligible]
    a, b = weighed.a, weighed.b
    codes = _term_codes(weighed)
    # Counts over the candidates' shared terms, in RapidFuzz's C++ (one character per term,
    # so the longest common subsequence of two sentences' strings counts their shared terms).
    informative = _shared_counts(codes.informative, rows, cols)
    strongest = _shared_counts(codes.strong, rows, cols)
    numbers_shared = _shared_counts(codes.numbers, rows, cols)
    has_a = np.array([bool(x) for x in codes.numbers[0]], dtype=bool)
    has_b = np.array([bool(x) for x in codes.numbers[1]], dtype=bool)
    other_numbers = (numbers_shared == 0) & has_a[rows] & has_b[cols]
    tot_a = np.asarray(a.totals, dtype=np.float64)[rows]
    tot_b = np.asarray(b.totals, dtype=np.float64)[cols]
    # The score is 100 * shared / sqrt(tot_a * tot_b): the shared weight follows from it.
    containment = score * np.sqrt(tot_a * tot_b) / (100.0 * np.maximum(np.minimum(tot_a, tot_b), 1))
    backed = (informative >= _MIN_SHARED_TERMS) | (strongest > 0)
    return Candidates(
        rows=rows[backed],
        cols=cols[backed],
        scores=score[backed],
        shares_number=found.shares_number[eligible][backed],
        background_a=found.background_a,
        background_b=found.background_b,
        containment=containment[backed],
        informative=informative[backed].astype(np.float64),
        other_numbers=other_numbers[backed],
    )


@dataclass(frozen=True, slots=True)
class _Codes:
    """Per sentence of A and of B, strings of one character per term of a kind."""

    informative: tuple[list[str], list[str]]
    strong: tuple[list[str], list[str]]
    numbers: tuple[list[str], list[str]]


def _term_codes(weighed: Weighed) -> _Codes:
    """Encode each sentence's informative, strong and number terms, one character each."""
    weight = np.asarray(weighed.weight, dtype=np.intp)
    number = np.fromiter(map(is_number_term, weighed.names), dtype=bool, count=len(weight))
    kinds = (weight >= INFORMATIVE, weight >= _STRONG_TERM, number & (weight > 0))
    a, b = weighed.a.terms, weighed.b.terms
    informative, strong, numbers = ((encode_terms(a, k), encode_terms(b, k)) for k in kinds)
    return _Codes(informative=informative, strong=strong, numbers=numbers)


def _shared_counts(
    codes: tuple[list[str], list[str]], rows: npt.NDArray[np.intp], cols: npt.NDArray[np.intp]
) -> npt.NDArray[np.int32]:
    """Return how many coded terms each candidate's two sentences share."""
    if len(rows) == 0:
        return np.zeros(0, dtype=np.int32)
    queries = [codes[0][i] for i in rows.tolist()]
    choices = [codes[1][j] for j in cols.tolist()]
    counts: npt.NDArray[np.int32] = process.cpdist(
        queries, choices, scorer=LCSseq.similarity, dtype=np.int32, workers=-1
    )
    return counts


def reports_one_event(scores: npt.NDArray[np.float64], n_a: int, n_b: int) -> bool:
    """Return whether two texts look like reports of one event, from their candidates' scores.

    Reports of one event have many sentence pairs that match strongly; articles about two
    different events of one kind (two fires, two matches) share only their kind's words, a
    time of day or a score line, and at most one pair scores high. Texts of fewer than
    ``_ONE_EVENT_SENTENCES`` sentences are too short to tell.

    >>> reports_one_event(np.array([48.0, 20.0, 18.0]), 14, 15)
    False
    """
    n = min(n_a, n_b)
    if n < _ONE_EVENT_SENTENCES:
        return True
    strong = int(np.count_nonzero(scores >= _STRONG_SCORE))
    return strong >= max(_MIN_STRONG, _STRONG_SHARE * n)


def is_headline_like(sentence: str) -> bool:
    """Return whether a unit ends without closing punctuation (a headline, a bullet).

    >>> is_headline_like("Rovers edge Albion 2-1"), is_headline_like("Rovers won.")
    (True, False)
    """
    return _CLOSED.search(sentence) is None


def _neighbour_best(
    keys: npt.NDArray[np.int64],
    scores: npt.NDArray[np.float64],
    rows: npt.NDArray[np.intp],
    cols: npt.NDArray[np.intp],
    steps: Sequence[tuple[int, int]],
    n_b: int,
) -> npt.NDArray[np.float64]:
    """Return, per candidate, the best score of the candidates ``steps`` away (0 if none)."""
    best = np.zeros(len(rows), dtype=np.float64)
    for di, dj in steps:
        wanted = (rows + di).astype(np.int64) * (n_b + 2) + (cols + dj)
        at = np.searchsorted(keys, wanted)
        at = np.minimum(at, len(keys) - 1)
        found = keys[at] == wanted
        np.maximum(best, np.where(found, scores[at], 0.0), out=best)
    return best


def feature_matrix(
    found: Candidates, n_a: int, n_b: int, headline_a: Sequence[bool], headline_b: Sequence[bool]
) -> npt.NDArray[np.float64]:
    """Return one row of ``FEATURES`` per candidate pair."""
    rows, cols, scores = found.rows, found.cols, found.scores
    if len(rows) == 0:
        return np.zeros((0, len(FEATURES)), dtype=np.float64)
    best_a = np.zeros(n_a)
    best_b = np.zeros(n_b)
    np.maximum.at(best_a, rows, scores)
    np.maximum.at(best_b, cols, scores)
    near_a = scores / best_a[rows]
    near_b = scores / best_b[cols]
    margin = np.maximum(
        scores - found.background_a[rows].astype(np.float64),
        scores - found.background_b[cols].astype(np.float64),
    )
    position = np.abs(rows / max(n_a - 1, 1) - cols / max(n_b - 1, 1))
    position *= min(1.0, min(n_a, n_b) / _POSITION_SENTENCES)
    keys = rows.astype(np.int64) * (n_b + 2) + cols
    order = np.argsort(keys)
    keys, by_key = keys[order], scores[order]
    diagonal = _neighbour_best(keys, by_key, rows, cols, ((-1, -1), (1, 1)), n_b)
    adjacent = _neighbour_best(keys, by_key, rows, cols, ((-1, 0), (1, 0), (0, -1), (0, 1)), n_b)
    head = np.asarray(headline_a, dtype=bool)[rows] | np.asarray(headline_b, dtype=bool)[cols]
    return np.column_stack(
        [
            np.log(scores),
            found.containment,
            found.informative,
            margin,
            np.minimum(near_a, near_b),
            np.maximum(near_a, near_b),
            position,
            diagonal,
            adjacent,
            found.shares_number.astype(np.float64),
            head.astype(np.float64),
            found.other_numbers.astype(np.float64),
        ]
    )


def link_probability(
    features: npt.NDArray[np.float64],
    weights: npt.NDArray[np.float64] | None = None,
    intercept: float | None = None,
) -> npt.NDArray[np.float64]:
    """Return the probability that each candidate (one row of features) is a link."""
    w = _WEIGHTS if weights is None else weights
    b = _INTERCEPT if intercept is None else intercept
    logit = features @ w + b
    probability: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-logit))
    return probability


def band(probability: float) -> Confidence:
    """Return the confidence band of a link's probability.

    >>> band(0.95), band(0.7), band(0.5)
    ('high', 'medium', 'low')
    """
    if probability >= HIGH:
        return "high"
    if probability >= MEDIUM:
        return "medium"
    return "low"
