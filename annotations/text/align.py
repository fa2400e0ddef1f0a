"""Align the passages of two documents: which sentences report the same content.

Two articles about one event share their topic everywhere, so surface similarity pairs
nearly everything with everything. Parallax therefore scores sentence pairs on *fact-level
evidence*: the content words they share, each weighted by how rare it is in these two
documents (a name that occurs in most sentences carries no signal) and, more mildly, in
English at large; numbers count extra. The weighted overlap is computed for all sentence
pairs at once with RapidFuzz: every content word becomes one character, repeated as often as
its weight, and the sorted characters of a sentence form a short string, so the longest
common subsequence of two such strings is exactly their weighted word overlap
(``process.cdist`` with ``LCSseq.similarity``, run in row blocks on all cores; the words
shared most widely get one-byte characters, which RapidFuzz compares several times faster).

Pairs above the threshold (lower for pairs that share a rare number) that stand out for at
least one of their two sentences are kept: near that sentence's best score and clearly above
its background, the score that merely sharing the topic earns. This allows n:1 and 1:n
links; adjacent sentences that add new shared facts to a kept pair join it (one sentence of
an opinion piece often condenses several of a report), and adjacent runs are merged into
one passage. Everything not kept is reported as only in A or
only in B.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from itertools import pairwise
from operator import itemgetter

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz
from rapidfuzz import process
from rapidfuzz.distance import LCSseq

from annotations.records import Alignment
from annotations.records import AlignSettings
from annotations.records import Document
from annotations.records import PairKind
from annotations.records import PassagePair
from annotations.records import Span
from annotations.text.languages import detect_language
from annotations.text.tokens import content_terms

DEFAULT_THRESHOLD = 25.0
"""Minimum pair score (0-100) for two passages to count as reporting the same content."""
DEFAULT_NEAR_BEST = 0.6
"""A pair is kept only if its score is at least this share of the best score of one side."""
ALGORITHM_VERSION = "lexical-3"

_MAX_WEIGHT = 6
_MIN_EVIDENCE = 3
_MIN_GAIN = 3
_INFORMATIVE = 2
_RARE = 3
_BACKGROUND_RANK = 5
_STANDOUT = 0.4
_MIN_SHARED_TERMS = 2
_NUMBER_WEIGHT = 4
_NUMBER_ROUTE = 0.6  # share of the threshold a pair needs when it shares a rare number
_BLOCK_ROWS = 512
_CHUNK_CACHE_SIZE = 131072
_BYTE_CHARS = 256  # terms that get one-byte characters, which RapidFuzz matches fastest
_CHAR_BASE = 0x10000  # the other terms' characters lie above the BMP, clear of surrogates

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": "-", "–": "-"})


@dataclass(frozen=True, slots=True)
class _Side:
    """The weighed sentences of one document, as parallel lists indexed by sentence."""

    terms: list[frozenset[int]]
    """Ids of each sentence's terms of positive weight."""
    totals: list[int]
    """The sum of those weights."""
    common: list[str]
    """The sentence's terms shared most widely with the other document, for RapidFuzz."""
    rare: list[str]
    """Its other terms that also occur in the other document."""
    numbers: list[str]
    """Its rare numbers that also occur in the other document, one character each."""


@dataclass(frozen=True, slots=True)
class _Weighed:
    a: _Side
    b: _Side
    weight: list[int]
    """Weight by term id; a term weighs the same in every sentence of both documents."""


def _weigh(a_terms: Sequence[dict[str, float]], b_terms: Sequence[dict[str, float]]) -> _Weighed:
    """Turn term rarities into integer weights using document frequency in both texts.

    Each sentence also gets its encodings for RapidFuzz: one character per term, repeated
    by the term's weight, sorted, so that the longest common subsequence of two encodings
    is the weighted overlap of the two term sets. Only terms found in both documents can
    overlap, so only they are encoded. The ``_BYTE_CHARS`` terms shared by the most sentence
    pairs get the characters below 256, for which RapidFuzz looks up a table instead of a
    hash map (several times faster); the rest go to a second string, and a pair's overlap
    is the sum of the two.
    """
    everything = (*a_terms, *b_terms)
    n_a, n = len(a_terms), len(everything)
    df = Counter(chain.from_iterable(everything))
    term_ids = {term: term_id for term_id, term in enumerate(df)}
    # The work is done on flat arrays of (sentence, term) entries, in sentence order: loops
    # in Python over every term of every sentence were most of the time of this step.
    sizes = np.fromiter(map(len, everything), dtype=np.intp, count=n)
    n_entries = int(sizes.sum())
    entry_ids = np.fromiter(
        map(term_ids.__getitem__, chain.from_iterable(everything)), dtype=np.intp, count=n_entries
    )
    entry_rarity = np.fromiter(
        chain.from_iterable(terms.values() for terms in everything),
        dtype=np.float64,
        count=n_entries,
    )
    is_number = np.fromiter(map(str.isdigit, map(itemgetter(0), df)), dtype=bool, count=len(df))
    weight = _term_weights(
        np.fromiter(df.values(), dtype=np.intp, count=len(df)),
        entry_ids,
        entry_rarity,
        is_number,
        n,
    )

    positive = weight[entry_ids] > 0
    sentence = np.repeat(np.arange(n), sizes)[positive]
    ids = entry_ids[positive]
    weights = weight[ids]
    bounds = np.searchsorted(sentence, np.arange(n + 1)).tolist()
    cumulative = np.concatenate(([0], np.cumsum(weights)))[bounds].tolist()
    id_list = ids.tolist()
    terms = [frozenset(id_list[first:last]) for first, last in pairwise(bounds)]
    totals = [last - first for first, last in pairwise(cumulative)]

    on_a = np.bincount(ids[sentence < n_a], minlength=len(df))
    on_b = np.bincount(ids[sentence >= n_a], minlength=len(df))
    code = _codes(on_a * on_b)
    shared = code >= 0
    common = shared[ids] & (code[ids] < _BYTE_CHARS)
    rare = shared[ids] & ~common
    number = shared & is_number & (weight >= _NUMBER_WEIGHT)
    number_code = _codes(number.astype(np.intp))[ids]
    with_number = number[ids]
    encodings = [
        _encode(sentence[mask], codes[mask], repeats[mask], n)
        for mask, codes, repeats in (
            (common, code[ids], weights),
            (rare, code[ids], weights),
            (with_number, number_code, np.ones_like(weights)),
        )
    ]
    sides = [
        _Side(
            terms=terms[part],
            totals=totals[part],
            common=encodings[0][part],
            rare=encodings[1][part],
            numbers=encodings[2][part],
        )
        for part in (slice(0, n_a), slice(n_a, n))
    ]
    return _Weighed(sides[0], sides[1], weight.tolist())


def _term_weights(
    counts: npt.NDArray[np.intp],
    entry_ids: npt.NDArray[np.intp],
    entry_rarity: npt.NDArray[np.float64],
    is_number: npt.NDArray[np.bool_],
    n_sentences: int,
) -> npt.NDArray[np.intp]:
    """Return the integer weight (0 to ``_MAX_WEIGHT``) of every term, by term id.

    ``counts`` holds the number of sentences each term occurs in; ``entry_rarity`` the
    global rarity of each (sentence, term) entry, of which a term takes its lowest.
    """
    rarity = np.full(len(counts), 2.0)
    np.minimum.at(rarity, entry_ids, entry_rarity)
    # Local specificity in [0, 1]: 1 for a term in at most two sentences (one on each side is
    # the ideal evidence of a match), falling to 0 for a term in all of them. It is computed
    # with math.log once per distinct count, so every weight is the scalar formula's exactly.
    log_half_n = math.log(max(n_sentences, 3) / 2.0)
    distinct, by_term = np.unique(counts, return_inverse=True)
    local = np.array(
        [1.0 - math.log(max(count, 2) / 2.0) / log_half_n for count in distinct.tolist()],
        dtype=np.float64,
    )[by_term]
    value = local * (0.25 + 0.75 * rarity) + np.where(is_number, 0.2, 0.0)
    # np.rint rounds half to even, as round() does.
    weights: npt.NDArray[np.intp] = np.minimum(_MAX_WEIGHT, np.rint(value * _MAX_WEIGHT)).astype(
        np.intp
    )
    return weights


def _codes(pairs: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    """Give the terms with ``pairs > 0`` character codes, most pairs first; -1 for the rest.

    The first ``_BYTE_CHARS`` codes are one-byte characters; the others lie above the BMP,
    so they never collide with surrogates.
    """
    ranked = np.argsort(-pairs, kind="stable")[: int(np.count_nonzero(pairs > 0))]
    rank = np.arange(len(ranked))
    code = np.full(len(pairs), -1, dtype=np.intp)
    code[ranked] = np.where(rank < _BYTE_CHARS, rank, _CHAR_BASE + rank)
    return code


def _encode(
    sentence: npt.NDArray[np.intp],
    codes: npt.NDArray[np.intp],
    repeats: npt.NDArray[np.intp],
    n_sentences: int,
) -> list[str]:
    """Return each sentence's string of its entries' characters, repeated, in code order."""
    order = np.lexsort((codes, sentence))
    sentence, codes, repeats = sentence[order], codes[order], repeats[order]
    text = np.repeat(codes, repeats).astype("<u4").tobytes().decode("utf-32-le")
    ends = np.concatenate(([0], np.cumsum(repeats)))
    bounds = ends[np.searchsorted(sentence, np.arange(n_sentences + 1))].tolist()
    return [text[first:last] for first, last in pairwise(bounds)]


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


def _candidates(a: _Side, b: _Side, floor: float) -> _Candidates:
    """Score all sentence pairs in row blocks; keep those at or above ``floor``.

    Pairs that share a rare number (an amount, a count, a year) are kept from a lower floor:
    a number is a fact, and long sentences that share one dilute their score.

    A sentence's background is its ``_BACKGROUND_RANK``-th best score: what it gets from
    sentences that merely share the topic. Long documents raise it for every sentence.
    """
    with_numbers = any(a.numbers) and any(b.numbers)
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
        shared = _overlaps(a.common[start:stop], b.common)
        shared += _overlaps(a.rare[start:stop], b.rare)
        score = _scores(shared, tot_a[start:stop], tot_b)
        if n_b >= k:
            background_a[start:stop] = _top(score, k)[:, -1]
        # Rows of the transposed copy are contiguous, which makes the search fast.
        top_b = _top(np.hstack([top_b, score.T]), k)
        keep = score >= floor
        if with_numbers:
            number = _share_a_character(a.numbers[start:stop], b.numbers)
            keep |= (score >= _NUMBER_ROUTE * floor) & number
        rows, cols = np.nonzero(keep)
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


def _overlaps(queries: list[str], choices: list[str]) -> npt.NDArray[np.int32]:
    """Return the longest common subsequence of every query and choice (all cores)."""
    if not any(queries) or not any(choices):
        return np.zeros((len(queries), len(choices)), dtype=np.int32)
    overlaps: npt.NDArray[np.int32] = process.cdist(
        queries, choices, scorer=LCSseq.similarity, dtype=np.int32, workers=-1
    )
    return overlaps


def _share_a_character(queries: list[str], choices: list[str]) -> npt.NDArray[np.bool_]:
    """Return whether each query and choice have a character in common.

    Only the non-empty strings are compared: about half of all sentences hold no rare
    number, so this skips most of the pairs.
    """
    rows = [i for i, query in enumerate(queries) if query]
    cols = [j for j, choice in enumerate(choices) if choice]
    shares = np.zeros((len(queries), len(choices)), dtype=bool)
    if rows and cols:
        overlaps = _overlaps([queries[i] for i in rows], [choices[j] for j in cols])
        shares[np.ix_(rows, cols)] = overlaps > 0
    return shares


def _scores(
    shared: npt.NDArray[np.int32], tot_a: npt.NDArray[np.float32], tot_b: npt.NDArray[np.float32]
) -> npt.NDArray[np.float32]:
    """Return the pair scores of a block from its weighted overlaps (0 below the evidence)."""
    score = np.multiply(shared, np.float32(100.0), dtype=np.float32)
    denominator = np.multiply.outer(tot_a, tot_b)
    np.sqrt(denominator, out=denominator)
    # In place, to spare passes over the block; 0 / 0 (a sentence without terms) is zeroed.
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(score, denominator, out=score)
    np.copyto(score, 0.0, where=shared < _MIN_EVIDENCE)
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


def _shared_terms(a: frozenset[int], b: frozenset[int], weight: Sequence[int]) -> int:
    return sum(1 for t in a & b if weight[t] >= _INFORMATIVE)


def _select(
    found: _Candidates, weighed: _Weighed, threshold: float, near_best: float
) -> set[tuple[int, int]]:
    """Keep pairs above the threshold, backed by two shared facts, that stand out.

    A pair stands out for a sentence when it is near that sentence's best score and clearly
    above its background; it must stand out for at least one of its two sentences.
    """
    margin = _STANDOUT * threshold
    rows, cols = found.rows, found.cols
    # Differences in float32, the type of the scores and backgrounds; the rest in float64.
    above_a = found.scores - found.background_a[rows] >= margin
    above_b = found.scores - found.background_b[cols] >= margin
    score = found.scores.astype(np.float64)
    # The margin test is cheap and drops most topical pairs before the term check; a
    # sentence's best eligible pair always passes it when any of its pairs does.
    eligible = ((score >= threshold) | found.shares_number) & (above_a | above_b)
    terms_a, terms_b, weight = weighed.a.terms, weighed.b.terms, weighed.weight
    for index in np.flatnonzero(eligible).tolist():
        i, j = int(rows[index]), int(cols[index])
        if _shared_terms(terms_a[i], terms_b[j], weight) < _MIN_SHARED_TERMS:
            eligible[index] = False
    rows, cols, score = rows[eligible], cols[eligible], score[eligible]
    above_a, above_b = above_a[eligible], above_b[eligible]
    best_a = np.zeros(len(terms_a))
    best_b = np.zeros(len(terms_b))
    np.maximum.at(best_a, rows, score)
    np.maximum.at(best_b, cols, score)
    keep = ((score >= near_best * best_a[rows]) & above_a) | (
        (score >= near_best * best_b[cols]) & above_b
    )
    return set(zip(rows[keep].tolist(), cols[keep].tolist(), strict=True))


def _runs(indices: Iterable[int]) -> list[tuple[int, ...]]:
    runs: list[list[int]] = []
    for index in sorted(set(indices)):
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return [tuple(r) for r in runs]


def _extend(kept: set[tuple[int, int]], weighed: _Weighed, floor: float) -> set[tuple[int, int]]:
    """Add adjacent sentences that bring new shared facts to a kept pair (n:1 condensation)."""
    a, b, weight = weighed.a, weighed.b, weighed.weight
    extended = set(kept)
    for i, j in sorted(kept):
        for ni, nj in ((i - 1, j), (i + 1, j), (i, j - 1), (i, j + 1)):
            if (ni, nj) in extended or not (0 <= ni < len(a.terms) and 0 <= nj < len(b.terms)):
                continue
            shared = _weighted(a.terms[ni] & b.terms[nj], weight)
            if _pair_score(shared, a.totals[ni], b.totals[nj]) < floor:
                continue
            if ni != i:
                base, new, other = a.terms[i], a.terms[ni], b.terms[j]
            else:
                base, new, other = b.terms[j], b.terms[nj], a.terms[i]
            gain = sum(w for w in map(weight.__getitem__, (new & other) - base) if w >= _RARE)
            if gain >= _MIN_GAIN:
                extended.add((ni, nj))
    return extended


def _run_terms(
    side: _Side, run: Sequence[int], weight: Sequence[int]
) -> tuple[frozenset[int], int]:
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
    cross = languages[0] != languages[1]
    lang_a, lang_b = languages
    terms_a = [content_terms(s.slice(a_text), lang_a, cross_language=cross) for s in a_sentences]
    terms_b = [content_terms(s.slice(b_text), lang_b, cross_language=cross) for s in b_sentences]
    weighed = _weigh(terms_a, terms_b)
    found = _candidates(weighed.a, weighed.b, floor=threshold)
    kept = _select(found, weighed, threshold, near_best)
    kept = _extend(kept, weighed, floor=0.5 * threshold)

    pairs: list[PassagePair] = []
    weight = weighed.weight
    for run_a, run_b in _passages(kept):
        span_a = Span(a_sentences[run_a[0]].start, a_sentences[run_a[-1]].end)
        span_b = Span(b_sentences[run_b[0]].start, b_sentences[run_b[-1]].end)
        passage_a, total_a = _run_terms(weighed.a, run_a, weight)
        passage_b, total_b = _run_terms(weighed.b, run_b, weight)
        shared = _weighted(passage_a & passage_b, weight)
        cover_a = shared / total_a if total_a else 0.0
        cover_b = shared / total_b if total_b else 0.0
        pairs.append(
            PassagePair(
                a=span_a,
                b=span_b,
                score=round(_pair_score(shared, total_a, total_b), 1),
                kind=_kind(span_a.slice(a_text), span_b.slice(b_text), cover_a, cover_b),
                a_sentences=run_a,
                b_sentences=run_b,
            )
        )
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
