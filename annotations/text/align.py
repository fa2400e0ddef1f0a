"""Align the passages of two documents: which sentences report the same content.

Two articles about one event share their topic everywhere, so surface similarity pairs
nearly everything with everything. Parallax therefore scores sentence pairs on *fact-level
evidence*: the content words they share, each weighted by how rare it is in these two
documents (a name that occurs in most sentences carries no signal) and, more mildly, in
the language at large; numbers count extra (terms per language: ``tokens``; weights:
``weighing``). The weighted overlap is computed for all sentence pairs at once, in row
blocks: a matrix product over the words shared most widely (NumPy's BLAS, on all cores),
plus, for every other shared word, its weight added to each pair of sentences that hold it.

Candidate pairs reach the threshold (a lower one when they share a rare number), are near
the best score of one of their two sentences, and share two informative terms or one strong
one. A small logistic model (``linking``, fitted on the dev half of the gold set) weighs
each candidate's evidence: score, containment (a short sentence's facts inside a long one),
shared facts, how far it stands above the background that merely sharing the topic earns,
where the two sentences sit in their articles, their neighbours' scores and the numbers
they share or do not. Candidates it finds likely enough are kept; between articles that do
not look like reports of one event, only links of high confidence. This allows n:1 and 1:n
links; an adjacent sentence that adds new shared facts to a kept pair joins it when the
model supports it too (one sentence of an opinion piece often condenses several of a
report), and adjacent runs are merged into one passage. Credit lines (bylines, stamps,
promotions: ``credits``) are never compared. Everything not kept is reported as only in A
or only in B. Each passage pair carries its evidence and a confidence band read from the
model's probability (``evidence``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import replace

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from annotations.records import Alignment
from annotations.records import AlignSettings
from annotations.records import Document
from annotations.records import PairKind
from annotations.records import PassagePair
from annotations.records import Span
from annotations.text.credits import is_credit_line
from annotations.text.evidence import explain
from annotations.text.languages import detect_language
from annotations.text.linking import HIGH
from annotations.text.linking import KEEP
from annotations.text.linking import Candidates
from annotations.text.linking import eligible_candidates
from annotations.text.linking import feature_matrix
from annotations.text.linking import is_headline_like
from annotations.text.linking import link_probability
from annotations.text.linking import reports_one_event
from annotations.text.tokens import content_terms
from annotations.text.tokens import name_phrases
from annotations.text.tokens import surface_forms
from annotations.text.weighing import Entries
from annotations.text.weighing import Side
from annotations.text.weighing import Weighed
from annotations.text.weighing import weigh

__all__ = [
    "ALGORITHM_VERSION",
    "DEFAULT_NEAR_BEST",
    "DEFAULT_THRESHOLD",
    "align_documents",
    "align_sentences",
    "aligned_sentences",
    "explain_alignment",
]

DEFAULT_THRESHOLD = 12.0
"""Minimum pair score (0-100) for two passages to count as reporting the same content."""
DEFAULT_NEAR_BEST = 0.6
"""A pair is kept only if its score is at least this share of the best score of one side."""
ALGORITHM_VERSION = "lexical-5"

_MIN_EVIDENCE = 3
_MIN_GAIN = 4
_RARE = 3
_BACKGROUND_RANK = 5
_NUMBER_ROUTE = 0.6  # share of the threshold a pair needs when it shares a rare number
# A neighbour of a kept pair joins it when its own pair reaches the threshold, the link model
# gives it at least _GROW_PROBABILITY and it brings new rare shared terms weighing at least
# _MIN_GAIN (bench/neighbours.py; on the dev gold: +4 right, +1 false).
_GROW_FLOOR = 1.0
_GROW_PROBABILITY = 0.25
_BLOCK_ROWS = 512

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": "-", "–": "-"})


def _weighted(term_ids: Iterable[int], weight: Sequence[int]) -> int:
    """Return the summed weight of a set of term ids."""
    return sum(map(weight.__getitem__, term_ids))


def _pair_score(shared: float, total_a: float, total_b: float) -> float:
    """Score 0-100 from the weighted overlap: its share of the geometric mean of both sizes.

    The geometric mean (cosine of weighted term sets) lets a short sentence pair with a
    longer one that condenses it, while a long sentence does not collect short ones merely
    because it mentions everything.
    """
    if total_a <= 0 or total_b <= 0 or shared <= 0:
        return 0.0
    return 100.0 * shared / math.sqrt(total_a * total_b)


@dataclass(frozen=True, slots=True)
class _Candidates:
    """Sentence pairs scoring at least the floor, and each sentence's background score."""

    rows: npt.NDArray[np.intp]
    cols: npt.NDArray[np.intp]
    scores: npt.NDArray[np.float32]
    shares_number: npt.NDArray[np.bool_]
    background_a: npt.NDArray[np.float32]
    background_b: npt.NDArray[np.float32]


def _candidates(a: Side, b: Side, floor: float) -> _Candidates:
    """Score all sentence pairs in row blocks; keep those at or above ``floor``.

    Pairs that share a rare number (an amount, a count, a year) are kept from a lower floor:
    a number is a fact, and long sentences that share one dilute their score.

    A sentence's background is its ``_BACKGROUND_RANK``-th best score: what it gets from
    sentences that merely share the topic. Long documents raise it for every sentence.
    """
    with_numbers = len(a.numbers.term) > 0 and len(b.numbers.term) > 0
    b_sparse = _inverted(a.sparse, b.sparse)
    b_numbers = _inverted(a.numbers, b.numbers)
    tot_a = np.array(a.totals, dtype=np.float32)
    tot_b = np.array(b.totals, dtype=np.float32)
    n_a, n_b, k = len(a.terms), len(b.terms), _BACKGROUND_RANK
    background_a = np.zeros(n_a, dtype=np.float32)
    top_b = np.zeros((n_b, k), dtype=np.float32)
    found: list[tuple[npt.NDArray[np.intp], ...]] = []
    scores: list[npt.NDArray[np.float32]] = []
    numbers: list[npt.NDArray[np.bool_]] = []
    for start in range(0, n_a if n_b else 0, _BLOCK_ROWS):
        stop = min(start + _BLOCK_ROWS, n_a)
        shared = _overlaps(a, b, start, stop, b_sparse)
        score = _scores(shared, tot_a[start:stop], tot_b)
        if n_b >= k:
            background_a[start:stop] = _top(score, k)[:, -1]
        # Rows of the transposed copy are contiguous, which makes the search fast.
        top_b = _top(np.hstack([top_b, score.T]), k)
        keep = score >= floor
        if with_numbers:
            number = _share_a_number(a.numbers, b_numbers, start, stop, n_b)
            keep |= (score >= _NUMBER_ROUTE * floor) & number
        # One flat search and a division: several times faster than a 2-D np.nonzero.
        flat = np.flatnonzero(keep)
        rows = flat // n_b
        cols = flat - rows * n_b
        found.append((rows + start, cols))
        scores.append(score[rows, cols])
        numbers.append(number[rows, cols] if with_numbers else np.zeros(len(rows), dtype=bool))
    background_b = top_b[:, -1] if n_a >= k else np.zeros(n_b, dtype=np.float32)
    return _Candidates(
        rows=np.concatenate([r for r, _ in found]) if found else np.zeros(0, dtype=np.intp),
        cols=np.concatenate([c for _, c in found]) if found else np.zeros(0, dtype=np.intp),
        scores=np.concatenate(scores) if scores else np.zeros(0, dtype=np.float32),
        shares_number=np.concatenate(numbers) if numbers else np.zeros(0, dtype=bool),
        background_a=background_a,
        background_b=background_b,
    )


def _overlaps(
    a: Side,
    b: Side,
    start: int,
    stop: int,
    b_sparse: tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]],
) -> npt.NDArray[np.float32]:
    """Return the weighted overlap of A's sentences ``start:stop`` with every B sentence.

    The dense product is exact: the sums are small integers, far below float32's 2**24.
    """
    shared: npt.NDArray[np.float32] = np.matmul(
        a.dense[start:stop] * a.dense_weight, b.dense.T, dtype=np.float32
    )
    for rows, cols, weights in _entry_pairs(a.sparse, b_sparse, start, stop):
        np.add.at(shared, (rows, cols), weights)
    return shared


def _share_a_number(
    a: Entries,
    b_numbers: tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]],
    start: int,
    stop: int,
    n_b: int,
) -> npt.NDArray[np.bool_]:
    """Return whether each A sentence ``start:stop`` and each B sentence share a rare number."""
    shares = np.zeros((stop - start, n_b), dtype=bool)
    for rows, cols, _ in _entry_pairs(a, b_numbers, start, stop):
        shares[rows, cols] = True
    return shares


_PAIRS_PER_STEP = 1 << 21


def _inverted(a: Entries, b: Entries) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Return B's inverted index over every term id either side's entries use."""
    return b.by_term(max(int(a.term.max(initial=-1)), int(b.term.max(initial=-1))) + 1)


def _entry_pairs(
    a: Entries,
    b_index: tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]],
    start: int,
    stop: int,
) -> Iterable[tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.float32]]]:
    """Yield (row in block, B sentence, weight) for every pair of entries with the same term.

    ``b_index`` is B's inverted index (``Entries.by_term``). At most about
    ``_PAIRS_PER_STEP`` pairs are made at a time, so memory stays bounded.
    """
    held_bounds, held = b_index
    lo, hi = int(a.bounds[start]), int(a.bounds[stop])
    rows, terms, weights = a.sentence[lo:hi] - start, a.term[lo:hi], a.weight[lo:hi]
    first = held_bounds[terms]
    counts = held_bounds[terms + 1] - first
    ends = np.cumsum(counts)
    e0 = 0
    while e0 < len(ends):
        base = int(ends[e0 - 1]) if e0 else 0
        e1 = max(int(np.searchsorted(ends, base + _PAIRS_PER_STEP, side="right")), e0 + 1)
        step = counts[e0:e1]
        total = int(ends[e1 - 1]) - base
        if total:
            owner = np.repeat(np.arange(e0, e1), step)
            offset = np.arange(total) - np.repeat(ends[e0:e1] - step - base, step)
            yield rows[owner], held[first[owner] + offset], weights[owner]
        e0 = e1


def _scores(
    shared: npt.NDArray[np.float32], tot_a: npt.NDArray[np.float32], tot_b: npt.NDArray[np.float32]
) -> npt.NDArray[np.float32]:
    """Return the pair scores of a block from its weighted overlaps (0 below the evidence).

    The scores are written over ``shared``.
    """
    low = shared < _MIN_EVIDENCE
    score = np.multiply(shared, np.float32(100.0), out=shared)
    denominator = np.multiply.outer(tot_a, tot_b)
    np.sqrt(denominator, out=denominator)
    # In place, to spare passes over the block; 0 / 0 (a sentence without terms) is zeroed.
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(score, denominator, out=score)
    np.copyto(score, 0.0, where=low)
    return score


def _top(values: npt.NDArray[np.float32], k: int) -> npt.NDArray[np.float32]:
    """Return the ``k`` largest values of each row, largest first, leaving ``values`` as it was.

    Repeated argmax is several times faster here than ``np.partition``, which slows down on
    rows that are mostly zeros (most sentence pairs share nothing). Rows need ``k`` values.
    """
    rows = np.arange(values.shape[0])
    top = np.empty((values.shape[0], k), dtype=values.dtype)
    picked = []
    for rank in range(k):
        cols = np.argmax(values, axis=1)
        top[:, rank] = values[rows, cols]
        values[rows, cols] = -np.inf
        picked.append(cols)
    for rank, cols in enumerate(picked):
        values[rows, cols] = top[:, rank]
    return top


@dataclass(frozen=True, slots=True)
class _Scored:
    """The weighed sentences of two texts, the eligible candidates and their features."""

    weighed: Weighed
    eligible: Candidates
    features: npt.NDArray[np.float64]


def _score(
    a_text: str,
    a_sentences: Sequence[Span],
    b_text: str,
    b_sentences: Sequence[Span],
    *,
    threshold: float,
    near_best: float,
    languages: tuple[str, str],
) -> _Scored:
    """Weigh both texts' sentences and return the eligible candidate pairs with features."""
    cross = languages[0] != languages[1]
    weighed = weigh(
        _sentence_terms(a_text, a_sentences, languages[0], cross_language=cross),
        _sentence_terms(b_text, b_sentences, languages[1], cross_language=cross),
    )
    found = _candidates(weighed.a, weighed.b, floor=threshold)
    eligible = eligible_candidates(
        Candidates(
            rows=found.rows,
            cols=found.cols,
            scores=found.scores.astype(np.float64),
            shares_number=found.shares_number,
            background_a=found.background_a,
            background_b=found.background_b,
        ),
        weighed,
        threshold=threshold,
        near_best=near_best,
    )
    features = feature_matrix(
        eligible,
        len(a_sentences),
        len(b_sentences),
        [is_headline_like(s.slice(a_text)) for s in a_sentences],
        [is_headline_like(s.slice(b_text)) for s in b_sentences],
    )
    return _Scored(weighed, eligible, features)


def _select(
    scored: _Scored, floor: float
) -> tuple[set[tuple[int, int]], dict[tuple[int, int], float]]:
    """Return the links among the eligible candidates, and the probability of every candidate
    that reaches ``floor``: the one its confidence band is read from.

    Between texts that do not look like reports of one event only links of high
    confidence are kept.
    """
    probability = link_probability(scored.features)
    one_event = reports_one_event(
        scored.eligible.scores, len(scored.weighed.a.terms), len(scored.weighed.b.terms)
    )
    keep = probability >= (KEEP if one_event else HIGH)
    rows, cols = scored.eligible.rows, scored.eligible.cols
    kept = set(zip(rows[keep].tolist(), cols[keep].tolist(), strict=True))
    # Two sentences that both give numbers but share none likely state two facts ("$550
    # billion" against "2%"): however likely the link, it is shown as low confidence.
    banded = np.where(scored.eligible.other_numbers, np.minimum(probability, KEEP), probability)
    near = banded >= floor
    pairs = zip(rows[near].tolist(), cols[near].tolist(), strict=True)
    return kept, dict(zip(pairs, banded[near].tolist(), strict=True))


def _sentence_terms(
    text: str, sentences: Sequence[Span], language: str, *, cross_language: bool
) -> list[dict[str, float]]:
    """Return the content terms of each sentence; credit lines (bylines, promotions) get none."""
    out: list[dict[str, float]] = []
    for span in sentences:
        sentence = span.slice(text)
        if is_credit_line(sentence):
            out.append({})
        else:
            out.append(content_terms(sentence, language, cross_language=cross_language))
    return out


def _runs(indices: Iterable[int]) -> list[tuple[int, ...]]:
    runs: list[list[int]] = []
    for index in sorted(set(indices)):
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return [tuple(r) for r in runs]


def _extend(
    kept: set[tuple[int, int]],
    weighed: Weighed,
    floor: float,
    probabilities: dict[tuple[int, int], float] | None = None,
) -> set[tuple[int, int]]:
    """Add adjacent sentences that bring new shared facts to a kept pair (n:1 condensation).

    A neighbour joins when its own pair scores at least ``floor``, the link model gives it
    at least ``_GROW_PROBABILITY`` (when ``probabilities`` are given) and it brings rare
    shared terms the kept sentence lacks; it need not stand out from its background, since
    a sentence that condenses two is near both and stands out for neither.
    """
    a, b, weight = weighed.a, weighed.b, weighed.weight
    extended = set(kept)
    for i, j in sorted(kept):
        for ni, nj in ((i - 1, j), (i + 1, j), (i, j - 1), (i, j + 1)):
            if (ni, nj) in extended or not (0 <= ni < len(a.terms) and 0 <= nj < len(b.terms)):
                continue
            shared = _weighted(a.terms[ni] & b.terms[nj], weight)
            if _pair_score(shared, a.totals[ni], b.totals[nj]) < floor:
                continue
            if probabilities is not None and probabilities.get((ni, nj), 0.0) < _GROW_PROBABILITY:
                continue
            if ni != i:
                base, new, other = a.terms[i], a.terms[ni], b.terms[j]
            else:
                base, new, other = b.terms[j], b.terms[nj], a.terms[i]
            gain = sum(w for w in map(weight.__getitem__, (new & other) - base) if w >= _RARE)
            if gain >= _MIN_GAIN:
                extended.add((ni, nj))
    return extended


def _run_terms(side: Side, run: Sequence[int], weight: Sequence[int]) -> tuple[frozenset[int], int]:
    """Return the terms of a run of adjacent sentences and their summed weight."""
    if len(run) == 1:  # most runs
        return side.terms[run[0]], side.totals[run[0]]
    terms = frozenset().union(*(side.terms[i] for i in run))
    return terms, _weighted(terms, weight)


def _normalise(text: str) -> str:
    return " ".join(text.translate(_QUOTES).casefold().split())


def _kind(a_text: str, b_text: str, cover_a: float, cover_b: float) -> PairKind:
    """Name a pair from how much of each side's weighted terms the other shares."""
    # Identical wording implies identical term sets, so the text check runs only then.
    if min(cover_a, cover_b) >= 0.99 and fuzz.ratio(_normalise(a_text), _normalise(b_text)) >= 97:
        return "identical"
    if min(cover_a, cover_b) >= 0.3:
        return "paraphrase"
    return "partial"


def _passages(kept: set[tuple[int, int]]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Merge sentence pairs into passage pairs of adjacent runs.

    Adjacent sentences of one side merge when they have exactly the same partners, so a
    passage pair never implies a sentence pair that was not kept; the partners of each run
    are then split into adjacent runs on the other side.
    """
    partners_a: dict[int, frozenset[int]] = {}
    for i, j in kept:
        partners_a[i] = partners_a.get(i, frozenset()) | {j}
    passages: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    run_a: list[int] = []
    for i in sorted(partners_a):
        if run_a and run_a[-1] == i - 1 and partners_a[run_a[-1]] == partners_a[i]:
            run_a.append(i)
            continue
        if run_a:
            passages.extend((tuple(run_a), rb) for rb in _runs(partners_a[run_a[0]]))
        run_a = [i]
    if run_a:
        passages.extend((tuple(run_a), rb) for rb in _runs(partners_a[run_a[0]]))
    return passages


def _pair(
    run_a: tuple[int, ...],
    run_b: tuple[int, ...],
    weighed: Weighed,
    side_a: tuple[str, Sequence[Span]],
    side_b: tuple[str, Sequence[Span]],
    languages: tuple[str, str],
    threshold: float,
    probability: float | None = None,
) -> PassagePair:
    """Build the passage pair of two runs of sentences, with its evidence and confidence.

    ``probability`` is the link model's for the pair (the mean over its sentence pairs);
    without it (an alignment stored before the model) the confidence comes from the evidence.
    """
    weight, names = weighed.weight, weighed.names
    (a_text, a_sentences), (b_text, b_sentences) = side_a, side_b
    span_a = Span(a_sentences[run_a[0]].start, a_sentences[run_a[-1]].end)
    span_b = Span(b_sentences[run_b[0]].start, b_sentences[run_b[-1]].end)
    passage_a, total_a = _run_terms(weighed.a, run_a, weight)
    passage_b, total_b = _run_terms(weighed.b, run_b, weight)
    common = passage_a & passage_b
    shared = _weighted(common, weight)
    cover_a = shared / total_a if total_a else 0.0
    cover_b = shared / total_b if total_b else 0.0
    score = round(_pair_score(shared, total_a, total_b), 1)
    a_passage, b_passage = span_a.slice(a_text), span_b.slice(b_text)
    cross = languages[0] != languages[1]
    shared_terms = [(names[t], weight[t]) for t in common]
    explanation = explain(
        shared_terms,
        surface_forms(a_passage, languages[0], cross_language=cross),
        surface_forms(b_passage, languages[1], cross_language=cross),
        score=score,
        threshold=threshold,
        probability=probability,
        kind=_kind(a_passage, b_passage, cover_a, cover_b),
        names=name_phrases(
            a_passage, {term for term, _ in shared_terms}, languages[0], cross_language=cross
        ),
    )
    return PassagePair(
        a=span_a,
        b=span_b,
        score=score,
        kind=explanation.kind,
        a_sentences=run_a,
        b_sentences=run_b,
        evidence=explanation.evidence,
        confidence=explanation.confidence,
    )


def align_sentences(
    a_text: str,
    a_sentences: Sequence[Span],
    b_text: str,
    b_sentences: Sequence[Span],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    near_best: float = DEFAULT_NEAR_BEST,
    languages: tuple[str, str] = ("en", "en"),
) -> Alignment:
    """Align two lists of sentence spans and report pairs and one-source sentences.

    ``languages`` are the two texts' ISO 639-1 codes; when they differ, only names, numbers
    and initialisms are compared (see :mod:`annotations.text.tokens`).

    >>> a = "Trump spoke from Air Force One. Prices rose 5% in May."
    >>> b = "Shares fell. Aboard Air Force One, Trump spoke warmly."
    >>> al = align_sentences(a, [Span(0, 31), Span(32, 54)], b, [Span(0, 12), Span(13, 54)])
    >>> [(a[p.a.start:p.a.end], b[p.b.start:p.b.end]) for p in al.pairs]
    [('Trump spoke from Air Force One.', 'Aboard Air Force One, Trump spoke warmly.')]
    >>> [b[s.start:s.end] for s in al.only_b]
    ['Shares fell.']
    """
    if not 0 <= threshold <= 100:
        raise ValueError("threshold must be between 0 and 100")
    scored = _score(
        a_text,
        a_sentences,
        b_text,
        b_sentences,
        threshold=threshold,
        near_best=near_best,
        languages=languages,
    )
    weighed = scored.weighed
    kept, links = _select(scored, min(_GROW_PROBABILITY, KEEP))
    kept = _extend(kept, weighed, floor=_GROW_FLOOR * threshold, probabilities=links)

    pairs = [
        _pair(
            run_a,
            run_b,
            weighed,
            (a_text, a_sentences),
            (b_text, b_sentences),
            languages,
            threshold,
            sum(links.get((i, j), 0.0) for i in run_a for j in run_b) / (len(run_a) * len(run_b)),
        )
        for run_a, run_b in _passages(kept)
    ]
    pairs.sort(key=lambda p: (p.a.start, p.b.start))
    paired_a = {i for i, _ in kept}
    paired_b = {j for _, j in kept}
    return Alignment(
        pairs=tuple(pairs),
        only_a=tuple(s for i, s in enumerate(a_sentences) if i not in paired_a),
        only_b=tuple(s for j, s in enumerate(b_sentences) if j not in paired_b),
        settings=AlignSettings(threshold, near_best, ALGORITHM_VERSION),
    )


def aligned_sentences(document: Document) -> tuple[Span, ...]:
    """Return the spans of a document's prose sentences, the units that get aligned."""
    return tuple(s.span for s in document.segmentation.sentences)


def explain_alignment(alignment: Alignment, a: Document, b: Document) -> Alignment:
    """Return ``alignment`` with evidence and confidence on every pair.

    Alignments stored before links carried evidence have none; their pairs get it from the
    documents' terms, weighed as at alignment time (their scores are kept).
    """
    if all(pair.confidence is not None for pair in alignment.pairs):
        return alignment
    a_sentences, b_sentences = aligned_sentences(a), aligned_sentences(b)
    languages = (detect_language(a.text), detect_language(b.text))
    cross = languages[0] != languages[1]
    weighed = weigh(
        _sentence_terms(a.text, a_sentences, languages[0], cross_language=cross),
        _sentence_terms(b.text, b_sentences, languages[1], cross_language=cross),
    )
    threshold = alignment.settings.threshold
    pairs = []
    for pair in alignment.pairs:
        fits = (
            pair.a_sentences
            and pair.b_sentences
            and max(pair.a_sentences) < len(a_sentences)
            and max(pair.b_sentences) < len(b_sentences)
        )
        if pair.confidence is None and fits:
            made = _pair(
                pair.a_sentences,
                pair.b_sentences,
                weighed,
                (a.text, a_sentences),
                (b.text, b_sentences),
                languages,
                threshold,
            )
            kind = (
                "partial" if made.confidence == "low" and pair.kind == "paraphrase" else pair.kind
            )
            pair = replace(pair, evidence=made.evidence, confidence=made.confidence, kind=kind)
        pairs.append(pair)
    return replace(alignment, pairs=tuple(pairs))


def align_documents(
    a: Document,
    b: Document,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    near_best: float = DEFAULT_NEAR_BEST,
) -> Alignment:
    """Align the prose sentences of two documents (headings and markers are left out)."""
    return align_sentences(
        a.text,
        aligned_sentences(a),
        b.text,
        aligned_sentences(b),
        threshold=threshold,
        near_best=near_best,
        languages=(detect_language(a.text), detect_language(b.text)),
    )
