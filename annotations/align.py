"""Align the passages of two documents: which sentences report the same content.

Two articles about one event share their topic everywhere, so surface similarity pairs
nearly everything with everything. Parallax therefore scores sentence pairs on *fact-level
evidence*: the content words they share, each weighted by how rare it is in these two
documents (a name that occurs in most sentences carries no signal) and, more mildly, in
English at large; numbers count extra. The weighted overlap is computed for all sentence
pairs at once with RapidFuzz: every content word becomes one character, repeated as often as
its weight, and the sorted characters of a sentence form a short string, so the longest
common subsequence of two such strings is exactly their weighted word overlap
(``process.cdist`` with ``LCSseq.similarity``, run in row blocks on all cores).

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
import re
from collections import Counter
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

import numpy as np
import snowballstemmer
from rapidfuzz import fuzz
from rapidfuzz import process
from rapidfuzz.distance import LCSseq
from wordfreq import get_frequency_dict

from annotations.records import Alignment
from annotations.records import AlignSettings
from annotations.records import Document
from annotations.records import PairKind
from annotations.records import PassagePair
from annotations.records import Span

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
_CHAR_BASE = 0x10000  # above the BMP, so term ids never collide with surrogates

_WORD = re.compile(r"(?:[A-Za-z]\.){2,}|\d+(?:[.,]\d+)*|[^\W\d_]+", re.UNICODE)
_NUMBER_WORDS = {
    "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "twenty": "20", "thirty": "30", "fifty": "50", "hundred": "100", "thousand": "1000",
}  # fmt: skip
# A fixed list keeps the core offline and deterministic; it holds only function words,
# since content words are down-weighted by frequency instead.
_STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not of off on once only or other
    our ours ourselves out over own same she should so some such than that the their theirs
    them themselves then there these they this those through to too under until up very was
    we were what when where which while who whom why will with would you your yours yourself
    s t d ll m re ve y mr mrs ms dr said says say told tells according""".split()
)
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": "-", "–": "-"})


@lru_cache(maxsize=1)
def _stemmer() -> snowballstemmer.Stemmer:
    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=1)
def _english_frequencies() -> dict[str, float]:
    return get_frequency_dict("en")


@lru_cache(maxsize=65536)
def _term(word: str) -> str:
    lowered = word.lower()
    if "." in lowered and lowered.replace(".", "").isalpha():
        return lowered.replace(".", "") + "."
    if lowered in _NUMBER_WORDS:
        return _NUMBER_WORDS[lowered]
    if lowered[0].isdigit():
        return lowered.replace(",", "")
    return str(_stemmer().stemWord(lowered))


@lru_cache(maxsize=65536)
def _global_rarity(word: str) -> float:
    """Return 0 for the most frequent English words up to 1 for rare ones and names."""
    frequency = _english_frequencies().get(word.lower(), 0.0)
    if frequency <= 0.0:
        return 1.0
    zipf = math.log10(frequency) + 9.0
    return min(1.0, max(0.0, (6.5 - zipf) / 3.5))


def content_terms(text: str) -> dict[str, float]:
    """Return the content terms of ``text`` (stemmed, no function words) and their rarity.

    >>> sorted(content_terms("Trump congratulated her on the U.S. deal."))
    ['congratul', 'deal', 'trump', 'us.']
    """
    terms: dict[str, float] = {}
    for term, rarity in filter(None, map(_word_info, _WORD.findall(text))):
        if rarity < terms.get(term, 2.0):
            terms[term] = rarity
    return terms


@lru_cache(maxsize=131072)
def _word_info(word: str) -> tuple[str, float] | None:
    """Return a word's term and rarity, or None for a function word."""
    lowered = word.lower()
    if lowered in _STOPWORDS or (len(word) == 1 and not word.isdigit()):
        return None
    term = _term(word)
    return term, 1.0 if term[0].isdigit() else _global_rarity(lowered)


@dataclass(frozen=True, slots=True)
class _Profile:
    weights: dict[str, int]
    total: int
    encoded: str
    numbers: str


def _weigh(
    a_terms: Sequence[dict[str, float]], b_terms: Sequence[dict[str, float]]
) -> tuple[list[_Profile], list[_Profile]]:
    """Turn term rarities into integer weights using document frequency in both texts.

    Each profile also carries its encoding for RapidFuzz: one character per term, repeated
    by the term's weight, sorted, so that the longest common subsequence of two encodings is
    the weighted overlap of the two term sets.
    """
    everything = (*a_terms, *b_terms)
    df = Counter(chain.from_iterable(everything))
    rarity: dict[str, float] = {}
    for terms in everything:
        for term, r in terms.items():
            if r < rarity.get(term, 2.0):
                rarity[term] = r
    log_half_n = math.log(max(len(everything), 3) / 2.0)
    weight: dict[str, int] = {}
    chars: dict[str, str] = {}
    for term_id, (term, count) in enumerate(df.items()):
        # Local specificity in [0, 1]: 1 for a term in at most two sentences (one on each
        # side is the ideal evidence of a match), falling to 0 for a term in all of them.
        local = 1.0 - math.log(max(count, 2) / 2.0) / log_half_n
        value = local * (0.25 + 0.75 * rarity[term]) + (0.2 if term[0].isdigit() else 0.0)
        weight[term] = min(_MAX_WEIGHT, int(round(value * _MAX_WEIGHT)))
        chars[term] = chr(_CHAR_BASE + term_id) * weight[term]

    def profile(terms: dict[str, float]) -> _Profile:
        weights = {t: weight[t] for t in terms if weight[t] > 0}
        encoded = "".join(sorted([chars[t] for t in weights]))
        numbers = "".join(
            sorted(
                chars[t][0] for t, w in weights.items() if w >= _NUMBER_WEIGHT and t[0].isdigit()
            )
        )
        return _Profile(weights, len(encoded), encoded, numbers)

    return [profile(t) for t in a_terms], [profile(t) for t in b_terms]


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

    scores: dict[tuple[int, int], float]
    background_a: np.ndarray
    background_b: np.ndarray


def _candidates(
    prof_a: Sequence[_Profile], prof_b: Sequence[_Profile], floor: float
) -> _Candidates:
    """Score all sentence pairs in row blocks; keep those at or above ``floor``.

    Pairs that share a rare number (an amount, a count, a year) are kept from a lower floor:
    a number is a fact, and long sentences that share one dilute their score.

    A sentence's background is its ``_BACKGROUND_RANK``-th best score: what it gets from
    sentences that merely share the topic. Long documents raise it for every sentence.
    """
    enc_a, enc_b = [p.encoded for p in prof_a], [p.encoded for p in prof_b]
    num_a, num_b = [p.numbers for p in prof_a], [p.numbers for p in prof_b]
    with_numbers = any(num_a) and any(num_b)
    tot_a = np.array([p.total for p in prof_a], dtype=np.float32)
    tot_b = np.array([p.total for p in prof_b], dtype=np.float32)
    n_a, n_b, k = len(enc_a), len(enc_b), _BACKGROUND_RANK
    background_a = np.zeros(n_a, dtype=np.float32)
    top_b = np.zeros((n_b, k), dtype=np.float32)
    found: dict[tuple[int, int], float] = {}
    for start in range(0, n_a if n_b else 0, _BLOCK_ROWS):
        block = enc_a[start : start + _BLOCK_ROWS]
        shared = process.cdist(
            block, enc_b, scorer=LCSseq.similarity, dtype=np.int32, workers=-1
        ).astype(np.float32)
        ta = tot_a[start : start + len(block), None]
        with np.errstate(divide="ignore", invalid="ignore"):
            score = np.nan_to_num(100.0 * shared / np.sqrt(ta * tot_b[None, :]))
        score[shared < _MIN_EVIDENCE] = 0.0
        if n_b >= k:
            background_a[start : start + len(block)] = np.partition(score, n_b - k, axis=1)[
                :, n_b - k
            ]
        # Rows of the transposed copy are contiguous, which makes the partition fast.
        stacked = np.hstack([top_b, score.T])
        top_b = np.partition(stacked, stacked.shape[1] - k, axis=1)[:, -k:]
        keep = score >= floor
        if with_numbers:
            numbers = process.cdist(
                num_a[start : start + len(block)], num_b, scorer=LCSseq.similarity, workers=-1
            )
            keep |= (score >= _NUMBER_ROUTE * floor) & (numbers > 0)
        rows, cols = np.nonzero(keep)
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            found[(start + r, c)] = float(score[r, c])
    background_b = top_b.min(axis=1) if n_a >= k else np.zeros(n_b, dtype=np.float32)
    return _Candidates(found, background_a, background_b)


def _shares_number(a: _Profile, b: _Profile) -> bool:
    return bool(set(a.numbers) & set(b.numbers))


def _shared_terms(a: dict[str, int], b: dict[str, int]) -> int:
    return sum(1 for t, w in a.items() if w >= _INFORMATIVE and b.get(t, 0) >= _INFORMATIVE)


def _select(
    found: _Candidates,
    prof_a: Sequence[_Profile],
    prof_b: Sequence[_Profile],
    threshold: float,
    near_best: float,
) -> set[tuple[int, int]]:
    """Keep pairs above the threshold, backed by two shared facts, that stand out.

    A pair stands out for a sentence when it is near that sentence's best score and clearly
    above its background; it must stand out for at least one of its two sentences.
    """
    margin = _STANDOUT * threshold
    bg_a, bg_b = found.background_a, found.background_b
    # The margin test is cheap and drops most topical pairs before the term check; a
    # sentence's best eligible pair always passes it when any of its pairs does.
    eligible = {
        (i, j): s
        for (i, j), s in found.scores.items()
        if (s >= threshold or _shares_number(prof_a[i], prof_b[j]))
        and (s - bg_a[i] >= margin or s - bg_b[j] >= margin)
        and _shared_terms(prof_a[i].weights, prof_b[j].weights) >= _MIN_SHARED_TERMS
    }
    best_a: dict[int, float] = {}
    best_b: dict[int, float] = {}
    for (i, j), s in eligible.items():
        best_a[i] = max(best_a.get(i, 0.0), s)
        best_b[j] = max(best_b.get(j, 0.0), s)
    return {
        (i, j)
        for (i, j), s in eligible.items()
        if (s >= near_best * best_a[i] and s - bg_a[i] >= margin)
        or (s >= near_best * best_b[j] and s - bg_b[j] >= margin)
    }


def _runs(indices: Iterable[int]) -> list[tuple[int, ...]]:
    runs: list[list[int]] = []
    for index in sorted(set(indices)):
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return [tuple(r) for r in runs]


def _merged_weights(profiles: Sequence[_Profile], run: Sequence[int]) -> dict[str, int]:
    merged: dict[str, int] = {}
    for index in run:
        for term, weight in profiles[index].weights.items():
            merged[term] = max(merged.get(term, 0), weight)
    return merged


def _overlap(a: dict[str, int], b: dict[str, int]) -> tuple[int, int, int]:
    """Return the weighted overlap of two term sets and their weighted sizes."""
    shared = sum(min(w, b[t]) for t, w in a.items() if t in b)
    return shared, sum(a.values()), sum(b.values())


def _passage_score(a: dict[str, int], b: dict[str, int]) -> float:
    return _pair_score(*_overlap(a, b))


def _extend(
    kept: set[tuple[int, int]],
    prof_a: Sequence[_Profile],
    prof_b: Sequence[_Profile],
    floor: float,
) -> set[tuple[int, int]]:
    """Add adjacent sentences that bring new shared facts to a kept pair (n:1 condensation)."""
    extended = set(kept)
    for i, j in sorted(kept):
        for ni, nj in ((i - 1, j), (i + 1, j), (i, j - 1), (i, j + 1)):
            if (ni, nj) in extended or not (0 <= ni < len(prof_a) and 0 <= nj < len(prof_b)):
                continue
            if _passage_score(prof_a[ni].weights, prof_b[nj].weights) < floor:
                continue
            if ni != i:
                base, new, other = prof_a[i].weights, prof_a[ni].weights, prof_b[j].weights
            else:
                base, new, other = prof_b[j].weights, prof_b[nj].weights, prof_a[i].weights
            gain = sum(
                min(w, other[t])
                for t, w in new.items()
                if t in other and t not in base and min(w, other[t]) >= _RARE
            )
            if gain >= _MIN_GAIN:
                extended.add((ni, nj))
    return extended


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
) -> Alignment:
    """Align two lists of sentence spans and report pairs and one-source sentences.

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
    terms_a = [content_terms(s.slice(a_text)) for s in a_sentences]
    terms_b = [content_terms(s.slice(b_text)) for s in b_sentences]
    prof_a, prof_b = _weigh(terms_a, terms_b)
    found = _candidates(prof_a, prof_b, floor=threshold)
    kept = _select(found, prof_a, prof_b, threshold, near_best)
    kept = _extend(kept, prof_a, prof_b, floor=0.5 * threshold)

    pairs: list[PassagePair] = []
    for run_a, run_b in _passages(kept):
        span_a = Span(a_sentences[run_a[0]].start, a_sentences[run_a[-1]].end)
        span_b = Span(b_sentences[run_b[0]].start, b_sentences[run_b[-1]].end)
        wa, wb = _merged_weights(prof_a, run_a), _merged_weights(prof_b, run_b)
        shared, total_a, total_b = _overlap(wa, wb)
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
    )
