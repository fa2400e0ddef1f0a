"""Weigh the content terms of two documents and lay them out for scoring all pairs at once.

A term's weight (0 to ``MAX_WEIGHT``) grows with how few sentences of the two documents hold
it and, more mildly, with its rarity in the language. The weighted overlap of two sentences
(the summed weight of the terms both hold) is then a matrix product over the terms the two
documents share: the few terms shared by many sentence pairs are columns of a dense matrix
(one BLAS product), the many others are (sentence, term) entries, whose pairs are added one
by one (``Entries``); numbers that may let a pair in from a lower floor are entries too.
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
    "DENSE_SHARE",
    "MAX_WEIGHT",
    "NUMBER_WEIGHT",
    "Entries",
    "Side",
    "Weighed",
    "encode_terms",
    "weigh",
]

MAX_WEIGHT = 6
NUMBER_WEIGHT = 4
"""Weight from which a shared number may let a pair in from a lower floor."""
DENSE_SHARE = 0.002
"""A shared term goes to the dense matrix when at least this share of all sentence pairs
hold it on both sides: one dense column costs a multiply-add for every pair, one entry a
scattered addition for each pair that holds it, about a hundred times as much."""


@dataclass(frozen=True, slots=True)
class Entries:
    """(sentence, term) entries of one document, sorted by sentence, with their weights."""

    bounds: npt.NDArray[np.intp]
    """The entries of sentence ``s`` are those from ``bounds[s]`` to ``bounds[s + 1]``."""
    sentence: npt.NDArray[np.intp]
    term: npt.NDArray[np.intp]
    weight: npt.NDArray[np.float32]

    def by_term(self, n_terms: int) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
        """Return ``(bounds, held)``: term ``t`` is in ``held[bounds[t]:bounds[t + 1]]``."""
        order = np.argsort(self.term, kind="stable")
        bounds = np.searchsorted(self.term[order], np.arange(n_terms + 1))
        return bounds, self.sentence[order]


@dataclass(frozen=True, slots=True)
class Side:
    """The weighed sentences of one document, as parallel lists indexed by sentence."""

    terms: list[frozenset[int]]
    """Ids of each sentence's terms of positive weight."""
    totals: list[int]
    """The sum of those weights."""
    dense: npt.NDArray[np.float32]
    """Sentence × column: 1 where the sentence holds the column's term, one of the terms shared
    most widely with the other document."""
    dense_weight: npt.NDArray[np.float32]
    """The weight of each column's term (the same on both sides)."""
    sparse: Entries
    """The sentences' other terms that also occur in the other document."""
    numbers: Entries
    """The sentences' rare numbers that also occur in the other document."""


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

    Only terms found in both documents can overlap, so only they are laid out for scoring:
    those held by at least ``DENSE_SHARE`` of all sentence pairs as dense columns, the
    others as entries (see the module's docstring).
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
    pairs = on_a * on_b
    shared = pairs > 0
    # Columns of the dense matrix, most widely shared first.
    dense_terms = np.flatnonzero(pairs >= DENSE_SHARE * max(n_a * (n - n_a), 1))
    column = np.full(len(df), -1, dtype=np.intp)
    column[dense_terms] = np.arange(len(dense_terms))
    in_dense = column[ids] >= 0
    in_sparse = shared[ids] & ~in_dense
    number = shared & is_number & (weight >= NUMBER_WEIGHT)
    with_number = number[ids]
    sides = []
    for first, last in ((0, n_a), (n_a, n)):
        lo, hi = bounds[first], bounds[last]
        part = slice(lo, hi)
        rows = sentence[part] - first
        dense = np.zeros((last - first, len(dense_terms)), dtype=np.float32)
        mask = in_dense[part]
        dense[rows[mask], column[ids[part][mask]]] = 1.0
        sides.append(
            Side(
                terms=terms[first:last],
                totals=totals[first:last],
                dense=dense,
                dense_weight=weight[dense_terms].astype(np.float32),
                sparse=_entries(rows, ids[part], weights[part], in_sparse[part], last - first),
                numbers=_entries(
                    rows,
                    ids[part],
                    np.ones(hi - lo, dtype=np.intp),
                    with_number[part],
                    last - first,
                ),
            )
        )
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


# encode_terms: term ids as characters from the first code point above the BMP, so they
# never collide with surrogates (RapidFuzz compares the strings by code point).
_CHAR_BASE = 0x10000


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
    sentence, codes = sentence[mask], ids[mask] + _CHAR_BASE
    order = np.lexsort((codes, sentence))
    sentence, codes = sentence[order], codes[order]
    text = codes.astype("<u4").tobytes().decode("utf-32-le")
    bounds = np.searchsorted(sentence, np.arange(n + 1)).tolist()
    return [text[first:last] for first, last in pairwise(bounds)]


def _entries(
    rows: npt.NDArray[np.intp],
    ids: npt.NDArray[np.intp],
    weights: npt.NDArray[np.intp],
    mask: npt.NDArray[np.bool_],
    n_sentences: int,
) -> Entries:
    """Return the masked (sentence, term) entries, in sentence order, as ``Entries``."""
    sentence = rows[mask]
    return Entries(
        bounds=np.searchsorted(sentence, np.arange(n_sentences + 1)),
        sentence=sentence,
        term=ids[mask],
        weight=weights[mask].astype(np.float32),
    )
