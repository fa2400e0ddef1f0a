"""Weigh the content terms of two documents and encode each sentence for RapidFuzz.

A term's weight (0 to ``MAX_WEIGHT``) grows with how few sentences of the two documents hold
it and, more mildly, with its rarity in the language. Each sentence is also encoded as a
string in which the longest common subsequence of two encodings is the weighted overlap of
their term sets, which ``process.cdist`` computes for all sentence pairs at once.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from itertools import pairwise
from operator import itemgetter

import numpy as np
import numpy.typing as npt

from annotations.text.tokens import is_number_term

__all__ = [
    "MAX_WEIGHT",
    "NUMBER_WEIGHT",
    "Side",
    "Weighed",
    "encode_terms",
    "weigh",
]

MAX_WEIGHT = 6
NUMBER_WEIGHT = 4
"""Weight from which a shared number may let a pair in from a lower floor."""
_BYTE_CHARS = 256  # terms that get one-byte characters, which RapidFuzz matches fastest
_CHAR_BASE = 0x10000  # the other terms' characters lie above the BMP, clear of surrogates


@dataclass(frozen=True, slots=True)
class Side:
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
class Weighed:
    a: Side
    b: Side
    weight: list[int]
    """Weight by term id; a term weighs the same in every sentence of both documents."""
    names: list[str]
    """The term of each term id."""


def weigh(a_terms: Sequence[dict[str, float]], b_terms: Sequence[dict[str, float]]) -> Weighed:
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
    is_number = np.fromiter(map(is_number_term, map(itemgetter(0), df)), dtype=bool, count=len(df))
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
    number = shared & is_number & (weight >= NUMBER_WEIGHT)
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
        Side(
            terms=terms[part],
            totals=totals[part],
            common=encodings[0][part],
            rare=encodings[1][part],
            numbers=encodings[2][part],
        )
        for part in (slice(0, n_a), slice(n_a, n))
    ]
    return Weighed(sides[0], sides[1], weight.tolist(), list(term_ids))


def _term_weights(
    counts: npt.NDArray[np.intp],
    entry_ids: npt.NDArray[np.intp],
    entry_rarity: npt.NDArray[np.float64],
    is_number: npt.NDArray[np.bool_],
    n_sentences: int,
) -> npt.NDArray[np.intp]:
    """Return the integer weight (0 to ``MAX_WEIGHT``) of every term, by term id.

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
    weights: npt.NDArray[np.intp] = np.minimum(MAX_WEIGHT, np.rint(value * MAX_WEIGHT)).astype(
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


def encode_terms(terms: Sequence[frozenset[int]], keep: npt.NDArray[np.bool_]) -> list[str]:
    """Return each sentence's term ids with ``keep[id]`` as a string, one character per term.

    The longest common subsequence of two such strings is the number of kept terms the two
    sentences share (``process.cpdist`` counts it for many pairs at once).
    """
    n = len(terms)
    sizes = np.fromiter(map(len, terms), dtype=np.intp, count=n)
    ids = np.fromiter(chain.from_iterable(terms), dtype=np.intp, count=int(sizes.sum()))
    sentence = np.repeat(np.arange(n), sizes)
    mask = keep[ids] if len(ids) else np.zeros(0, dtype=bool)
    codes = ids[mask] + _CHAR_BASE
    return _encode(sentence[mask], codes, np.ones_like(codes), n)


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
