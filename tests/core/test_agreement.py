from __future__ import annotations

import math
import random
from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from annotations.classroom.agreement import LabeledSpan
from annotations.classroom.agreement import MatchResult
from annotations.classroom.agreement import SpanMatch
from annotations.classroom.agreement import Unit
from annotations.classroom.agreement import coverage
from annotations.classroom.agreement import krippendorff_alpha
from annotations.classroom.agreement import match_spans
from annotations.classroom.agreement import micro_scores
from annotations.classroom.agreement import pairwise_f1
from annotations.classroom.agreement import reliability_alpha
from annotations.classroom.agreement import score
from annotations.classroom.agreement import scores_by_tag
from annotations.classroom.agreement import sentence_decisions
from annotations.classroom.agreement import spans_match
from annotations.errors import SpanError


def span(start, end, tag="loaded", document_id=1, item_id=""):
    return LabeledSpan(document_id=document_id, start=start, end=end, tag=tag, item_id=item_id)


def result(matched=0, missed=0, extra=0, tag="loaded"):
    return MatchResult(
        matched=tuple(SpanMatch(span(i, i + 1, tag), span(i, i + 1, tag)) for i in range(matched)),
        missed=tuple(span(i, i + 1, tag) for i in range(missed)),
        extra=tuple(span(i, i + 1, tag) for i in range(extra)),
    )


# Matching


def test_exactly_half_of_the_shorter_span_matches():
    # Shared [5, 10) is 5 of the key's 10 code points.
    assert spans_match(span(0, 10), span(5, 20))
    # The response is the shorter one here: shared [90, 100) is 10 of its 20.
    assert spans_match(span(0, 100), span(90, 110))


def test_just_under_half_does_not_match():
    assert not spans_match(span(0, 10), span(6, 20))
    assert not spans_match(span(0, 100), span(91, 111))


def test_exact_threshold_survives_float_rounding():
    # In binary floating point 0.28 * 25 is 7.000000000000001, not 7: shared [18, 25) is 7 of 25.
    assert 0.28 * 25 > 7
    assert spans_match(span(0, 25), span(18, 60), min_overlap=0.28)
    assert not spans_match(span(0, 25), span(19, 60), min_overlap=0.28)
    assert spans_match(span(0, 10), span(9, 30), min_overlap=0.1)


def test_different_tag_or_document_never_matches():
    assert not spans_match(span(0, 10, tag="loaded"), span(0, 10, tag="slogan"))
    assert not spans_match(span(0, 10, document_id=1), span(0, 10, document_id=2))
    outcome = match_spans([span(0, 10, tag="slogan"), span(0, 10, document_id=2)], [span(0, 10)])
    assert outcome.matched == ()
    assert len(outcome.missed) == 1 and len(outcome.extra) == 2


def test_touching_and_empty_spans_never_match():
    assert not spans_match(span(0, 10), span(10, 20), min_overlap=0.0)
    assert not spans_match(span(5, 5), span(5, 5))
    assert not spans_match(span(5, 5), span(0, 10), min_overlap=0.0)


def test_bad_arguments_raise():
    with pytest.raises(ValueError):
        spans_match(span(0, 1), span(0, 1), min_overlap=1.5)
    with pytest.raises(ValueError):
        match_spans([], [], min_overlap=-0.1)
    with pytest.raises(SpanError):
        span(5, 4)
    with pytest.raises(SpanError):
        Unit(1, -1, 3)


def test_maximum_matching_finds_both_where_greedy_finds_one():
    # R1 [5, 15) matches both key spans (5 of 10 each); R2 [0, 3) matches only K1 (3 of its 3).
    # R1 is the closer to K1 (shares 5 of a 15 union against R2's 3 of 10), so greedy over the
    # key, closest first, gives R1 to K1 and leaves K2 without a match; greedy over the
    # response in input order does the same. The only matching with two pairs is K1-R2, K2-R1.
    k1, k2 = span(0, 10, item_id="k1"), span(10, 20, item_id="k2")
    r1, r2 = span(5, 15, item_id="r1"), span(0, 3, item_id="r2")
    for response in ([r1, r2], [r2, r1]):
        outcome = match_spans(response, [k1, k2])
        assert outcome.matched == (SpanMatch(k1, r2), SpanMatch(k2, r1))
        assert outcome.missed == () and outcome.extra == ()


def test_longer_chain_of_reassignments():
    # Each response overlaps two neighbouring key spans; only shifting all of them finds 4 pairs.
    key = [span(10 * i, 10 * i + 10, item_id=f"k{i}") for i in range(4)]
    response = [span(10 * i + 5, 10 * i + 15, item_id=f"r{i}") for i in range(3)]
    response.append(span(0, 3, item_id="r-first"))
    outcome = match_spans(response, key)
    assert len(outcome.matched) == 4
    assert {(m.key.item_id, m.response.item_id) for m in outcome.matched} == {
        ("k0", "r-first"),
        ("k1", "r0"),
        ("k2", "r1"),
        ("k3", "r2"),
    }


def test_prefers_the_closer_span_when_the_count_is_the_same():
    key = [span(0, 10, item_id="key")]
    partial, whole = span(0, 6, item_id="partial"), span(0, 10, item_id="whole")
    outcome = match_spans([partial, whole], key)
    assert [m.response.item_id for m in outcome.matched] == ["whole"]
    assert outcome.extra == (partial,)


def test_duplicate_response_items_one_matches_one_is_extra():
    key = [span(0, 10, item_id="key")]
    first, second = span(0, 10, item_id="a"), span(0, 10, item_id="b")
    for response in ([first, second], [second, first]):
        outcome = match_spans(response, key)
        assert outcome.matched == (SpanMatch(key[0], first),)
        assert outcome.extra == (second,)


def test_output_is_sorted():
    key = [span(30, 40, "b"), span(0, 10, "b", document_id=2), span(0, 10, "a")]
    response = [span(50, 60, "a"), span(30, 40, "b"), span(0, 5, "z")]
    outcome = match_spans(response, key)
    assert outcome.matched == (SpanMatch(span(30, 40, "b"), span(30, 40, "b")),)
    assert outcome.missed == (span(0, 10, "a"), span(0, 10, "b", document_id=2))
    assert outcome.extra == (span(0, 5, "z"), span(50, 60, "a"))


# Scores


def test_score_hand_worked():
    # P = 2/3, R = 2/5, F1 = 2PR / (P + R) = (8/15) / (16/15) = 1/2.
    scores = score(result(matched=2, extra=1, missed=3))
    assert (scores.true_positives, scores.false_positives, scores.false_negatives) == (2, 1, 3)
    assert scores.precision == pytest.approx(2 / 3)
    assert scores.recall == pytest.approx(2 / 5)
    assert scores.f1 == pytest.approx(0.5)


def test_score_nothing_predicted():
    scores = score(result(missed=2))
    assert scores.precision is None and scores.recall == 0.0 and scores.f1 is None


def test_score_empty_key():
    scores = score(result(extra=2))
    assert scores.precision == 0.0 and scores.recall is None and scores.f1 is None


def test_score_both_empty():
    scores = score(result())
    assert (scores.precision, scores.recall, scores.f1) == (None, None, None)


def test_score_no_match_on_both_sides_is_zero_not_undefined():
    scores = score(result(missed=1, extra=1))
    assert (scores.precision, scores.recall, scores.f1) == (0.0, 0.0, 0.0)


def test_perfect_score():
    scores = score(result(matched=3))
    assert (scores.precision, scores.recall, scores.f1) == (1.0, 1.0, 1.0)


def test_scores_by_tag():
    key = [span(0, 10, "a"), span(20, 30, "a"), span(40, 50, "c")]
    response = [span(0, 10, "a"), span(60, 70, "b"), span(40, 50, "c")]
    by_tag = scores_by_tag(match_spans(response, key))
    assert list(by_tag) == ["a", "b", "c"]
    # a: 1 matched, 1 missed -> P 1, R 1/2, F1 2*1 / (2*1 + 0 + 1) = 2/3.
    assert (by_tag["a"].precision, by_tag["a"].recall) == (1.0, 0.5)
    assert by_tag["a"].f1 == pytest.approx(2 / 3)
    # b: only in the response.
    assert (by_tag["b"].precision, by_tag["b"].recall, by_tag["b"].f1) == (0.0, None, None)
    assert (by_tag["c"].precision, by_tag["c"].recall, by_tag["c"].f1) == (1.0, 1.0, 1.0)


def test_micro_scores_pool_counts_before_dividing():
    # Pooled: TP 2, FP 2, FN 1 -> P 1/2, R 2/3, F1 4/7. The mean of the two F1s (2/3, 1/2)
    # would be 7/12 instead.
    pooled = micro_scores([result(matched=1, missed=1), result(matched=1, extra=2)])
    assert (pooled.true_positives, pooled.false_positives, pooled.false_negatives) == (2, 2, 1)
    assert pooled.precision == 0.5
    assert pooled.recall == pytest.approx(2 / 3)
    assert pooled.f1 == pytest.approx(4 / 7)
    empty = micro_scores([])
    assert (empty.true_positives, empty.precision, empty.recall, empty.f1) == (0, None, None, None)


# Krippendorff's alpha


def reference_nominal_alpha(matrix):
    """Nominal alpha from the coincidence matrix, as in Krippendorff (2011), section C."""
    coincidences: Counter = Counter()
    for unit in zip(*matrix, strict=True):
        values = [v for v in unit if not (isinstance(v, float) and math.isnan(v))]
        if len(values) < 2:
            continue
        for i, c in enumerate(values):
            for j, k in enumerate(values):
                if i != j:
                    coincidences[(c, k)] += Fraction(1, len(values) - 1)
    totals: Counter = Counter()
    for (c, _), weight in coincidences.items():
        totals[c] += weight
    n = sum(totals.values())
    observed = sum(w for (c, k), w in coincidences.items() if c != k)
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k) / (n - 1)
    return 1 - observed / expected


NAN = float("nan")
LEVELS = ["nominal", "interval"]
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: observers A-D
# (rows) by 12 units (columns), values 1-5, missing values as NaN. Nominal alpha = 0.743.
TEXTBOOK = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]


def test_krippendorff_2011_example_c_with_missing_values():
    # Published: nominal 0.743, interval 0.849 (ordinal 0.815 and ratio 0.797 are not built).
    assert round(reliability_alpha(TEXTBOOK), 3) == 0.743
    assert round(reliability_alpha(TEXTBOOK, level="interval"), 3) == 0.849
    assert reliability_alpha(TEXTBOOK) == pytest.approx(float(reference_nominal_alpha(TEXTBOOK)))


def test_krippendorff_2011_example_a_binary_two_observers():
    # Section A: two observers, ten units, no missing value; published alpha = 0.095.
    data = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
    assert round(reliability_alpha(data), 3) == 0.095
    # Binary data: the interval metric (squared difference 0 or 1) is the nominal one.
    assert reliability_alpha(data, level="interval") == pytest.approx(reliability_alpha(data))


# The worked example of three coders and fifteen units in Wikipedia's "Krippendorff's alpha"
# article (after Krippendorff's Content Analysis): published nominal 0.691, interval 0.811.
THREE_CODERS = [
    [NAN, NAN, NAN, NAN, NAN, 3, 4, 1, 2, 1, 1, 3, 3, NAN, 3],
    [1, NAN, 2, 1, 3, 3, 4, 3, NAN, NAN, NAN, NAN, NAN, NAN, NAN],
    [NAN, NAN, 2, 1, 3, 4, 4, NAN, 2, 1, 1, 3, 3, NAN, 4],
]


def test_three_coders_fifteen_units_textbook_example():
    assert round(reliability_alpha(THREE_CODERS), 3) == 0.691
    assert round(reliability_alpha(THREE_CODERS, level="interval"), 3) == 0.811


def test_reliability_alpha_edge_cases():
    assert reliability_alpha([[1, 1, 1], [1, 1, 1]]) is None  # one value only: 0/0
    assert reliability_alpha([[1, NAN], [NAN, 2]]) is None  # no unit has two values
    assert reliability_alpha([[1, None, 2], [1, 3, 2]]) == 1.0  # None is missing as well
    with pytest.raises(ValueError, match="level"):
        reliability_alpha([[1, 2], [1, 2]], level="ordinal")


# Two sentences of document 1 and two tags: columns (s1, a), (s1, b), (s2, a), (s2, b).
SENTENCES = [Unit(1, 0, 20), Unit(1, 20, 40)]
ANNOTATORS = {
    "bob": [
        span(2, 12, "a"),  # inside s1: 10 of 10 -> (s1, a)
        span(22, 30, "a"),  # inside s2 -> (s2, a)
        span(20, 40, "b"),  # all of s2 -> (s2, b)
    ],
    "ann": [
        span(0, 20, "a"),  # all of s1 -> (s1, a)
        span(25, 40, "b"),  # 15 of its 15 in s2 -> (s2, b)
        span(16, 30, "b"),  # 4 of 14 in s1 (under half), 10 of 14 in s2 -> (s2, b) only
        span(0, 20, "b", document_id=2),  # another document: counts for nothing here
    ],
}


def test_sentence_decisions_hand_worked():
    assert sentence_decisions(ANNOTATORS, SENTENCES, ["a", "b"]) == [
        [1, 0, 0, 1],  # ann (rows in name order)
        [1, 0, 1, 1],  # bob
    ]


def test_alpha_hand_worked_binary_case():
    # Pairs per decision (ann, bob): (1,1) (0,0) (0,1) (1,1); two coders, so each decision adds
    # its ordered pairs with weight 1/(2-1) = 1. Coincidences: o11 = 4, o00 = 2, o01 = o10 = 1.
    # n1 = 5, n0 = 3, n = 8. Nominal alpha = 1 - (n - 1) * (o01 + o10) / (2 * n0 * n1)
    # = 1 - 7 * 2 / 30 = 8/15 = 0.5333...
    outcome = krippendorff_alpha(ANNOTATORS, SENTENCES, ["a", "b"])
    assert outcome.alpha == pytest.approx(8 / 15)
    assert (outcome.annotators, outcome.units, outcome.reason) == (2, 4, "")


def test_alpha_perfect_agreement_is_one():
    same = [span(0, 20, "a"), span(20, 40, "b")]
    outcome = krippendorff_alpha({"x": same, "y": same, "z": same}, SENTENCES, ["a", "b"])
    assert outcome.alpha == pytest.approx(1.0)
    assert outcome.annotators == 3


def test_alpha_needs_two_annotators():
    outcome = krippendorff_alpha({"ann": ANNOTATORS["ann"]}, SENTENCES, ["a", "b"])
    assert outcome.alpha is None and "two annotators" in outcome.reason
    assert krippendorff_alpha({}, SENTENCES, ["a"]).alpha is None


def test_alpha_needs_decisions():
    for units, tags in (([], ["a"]), (SENTENCES, [])):
        outcome = krippendorff_alpha(ANNOTATORS, units, tags)
        assert outcome.alpha is None and outcome.units == 0 and outcome.reason


def test_alpha_undefined_when_every_decision_is_the_same():
    nobody = krippendorff_alpha({"ann": [], "bob": []}, SENTENCES, ["a"])
    assert nobody.alpha is None and "same" in nobody.reason
    everything = [span(0, 40, "a")]
    everybody = krippendorff_alpha({"ann": everything, "bob": everything}, SENTENCES, ["a"])
    assert everybody.alpha is None and "same" in everybody.reason


ORACLE_UNITS = [Unit(1, 0, 20), Unit(1, 20, 40), Unit(1, 40, 55), Unit(2, 0, 30)]


def oracle_decisions(annotators, units, tags):
    """The reliability matrix by brute force: every span against every unit and tag.

    A cell is 1 when a span of that tag and document overlaps the unit by at least half of
    the shorter of the two (the rule the reports describe).
    """
    rows = []
    for name in sorted(annotators):
        row = []
        for unit in units:
            for tag in tags:
                hit = 0
                for item in annotators[name]:
                    shared = min(item.end, unit.end) - max(item.start, unit.start)
                    shorter = min(item.end - item.start, unit.end - unit.start)
                    if (
                        item.document_id == unit.document_id
                        and item.tag == tag
                        and shared > 0
                        and 2 * shared >= shorter
                    ):
                        hit = 1
                row.append(hit)
        rows.append(row)
    return rows


oracle_span = st.builds(
    lambda document_id, start, length, tag: LabeledSpan(document_id, start, start + length, tag),
    st.sampled_from([1, 2]),
    st.integers(0, 50),
    st.integers(1, 30),
    st.sampled_from(["a", "b"]),
)


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["ann", "bob", "cy", "dee"]),
        st.lists(oracle_span, max_size=6),
        min_size=2,
        max_size=4,
    )
)
def test_alpha_of_random_spans_matches_a_brute_force_oracle(annotators):
    # Parallax's decisions and alpha against the brute-force matrix above and the coincidence-
    # matrix alpha computed exactly with fractions (reference_nominal_alpha): neither uses
    # Parallax's bisecting lookup nor its reliability_alpha.
    tags = ["a", "b"]
    matrix = oracle_decisions(annotators, ORACLE_UNITS, tags)
    assert sentence_decisions(annotators, ORACLE_UNITS, tags) == matrix
    outcome = krippendorff_alpha(annotators, ORACLE_UNITS, tags)
    assert outcome.annotators == len(annotators) and outcome.units == 8
    if len({value for row in matrix for value in row}) < 2:
        assert outcome.alpha is None and "same" in outcome.reason
    else:
        assert outcome.alpha == pytest.approx(float(reference_nominal_alpha(matrix)), abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(0, 1), min_size=6, max_size=6),
        min_size=2,
        max_size=4,
    )
)
def test_alpha_agrees_with_the_reference_on_binary_matrices(matrix):
    if len({v for row in matrix for v in row}) < 2:
        return
    value = reliability_alpha(matrix)
    assert value == pytest.approx(float(reference_nominal_alpha(matrix)))


CELL = st.one_of(st.integers(1, 4).map(float), st.just(NAN))


@st.composite
def reliability_data(draw):
    coders = draw(st.integers(2, 5))
    units = draw(st.integers(1, 8))
    return [[draw(CELL) for _ in range(units)] for _ in range(coders)]


@settings(max_examples=150, deadline=None)
@given(reliability_data(), st.randoms(use_true_random=False), st.sampled_from(LEVELS))
def test_alpha_ignores_the_order_of_coders_and_units(data, rng, level):
    rows = [list(row) for row in data]
    rng.shuffle(rows)
    columns = list(zip(*rows, strict=True))
    rng.shuffle(columns)
    shuffled = [list(row) for row in zip(*columns, strict=True)]
    before, after = reliability_alpha(data, level=level), reliability_alpha(shuffled, level=level)
    assert (before is None) == (after is None)
    if before is not None:
        assert after == pytest.approx(before)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(1, 5), min_size=2, max_size=12), st.integers(2, 5), st.sampled_from(LEVELS)
)
def test_perfect_agreement_is_one(values, coders, level):
    alpha = reliability_alpha([values] * coders, level=level)
    if len(set(values)) < 2:
        assert alpha is None
    else:
        assert alpha == pytest.approx(1.0)


@settings(max_examples=100, deadline=None)
@given(reliability_data(), st.sampled_from(LEVELS))
def test_alpha_is_at_most_one_and_ignores_units_with_one_value(data, level):
    alpha = reliability_alpha(data, level=level)
    padded = [[*row, NAN] for row in data]
    padded[0][-1] = 2.0  # a unit only one coder coded adds no pair
    again = reliability_alpha(padded, level=level)
    assert (alpha is None) == (again is None)
    if alpha is not None:
        assert alpha <= 1.0 + 1e-9
        assert again == pytest.approx(alpha)


@settings(max_examples=100, deadline=None)
@given(reliability_data(), st.floats(0.5, 10), st.floats(-50, 50))
def test_interval_alpha_ignores_a_change_of_scale(data, factor, shift):
    moved = [[value * factor + shift for value in row] for row in data]
    alpha, again = (
        reliability_alpha(data, level="interval"),
        reliability_alpha(moved, level="interval"),
    )
    assert (alpha is None) == (again is None)
    if alpha is not None:
        assert again == pytest.approx(alpha, abs=1e-9)


# Pairwise F1


def test_pairwise_f1():
    annotators = {
        "cy": [],
        "bob": [span(2, 10, "a"), span(40, 50, "c")],
        "ann": [span(0, 10, "a"), span(20, 30, "b")],
    }
    pairs = pairwise_f1(annotators)
    assert [(p.first, p.second) for p in pairs] == [("ann", "bob"), ("ann", "cy"), ("bob", "cy")]
    # ann as key, bob as response: "a" matches (8 of 8), ann's "b" missed, bob's "c" extra.
    ann_bob = pairs[0].scores
    assert (ann_bob.true_positives, ann_bob.false_negatives, ann_bob.false_positives) == (1, 1, 1)
    assert (ann_bob.precision, ann_bob.recall, ann_bob.f1) == (0.5, 0.5, 0.5)
    ann_cy = pairs[1].scores
    assert (ann_cy.precision, ann_cy.recall, ann_cy.f1) == (None, 0.0, None)
    assert pairwise_f1({"ann": annotators["ann"]}) == []


def test_pairwise_f1_is_symmetric():
    ann = [span(0, 10, "a"), span(20, 30, "a"), span(40, 50, "b")]
    bob = [span(0, 8, "a"), span(60, 70, "b")]
    [pair] = pairwise_f1({"bob": bob, "ann": ann})
    swapped = score(match_spans(ann, bob))
    # ann as key: TP 1, FN 2, FP 1 -> P 1/2, R 1/3, F1 2 / (2 + 1 + 2) = 2/5.
    assert (pair.scores.precision, pair.scores.recall) == (swapped.recall, swapped.precision)
    assert pair.scores.f1 == swapped.f1 == pytest.approx(2 / 5)


# Coverage


def test_coverage_with_overlapping_owners():
    runs = coverage(
        [
            ("ann", 0, 10),
            ("bob", 5, 15),
            ("ann", 8, 12),  # overlaps ann's own span: ann still counts once
            ("cy", 20, 25),
            ("cy", 25, 30),
            ("dan", 25, 28),
            ("eve", 40, 45),
            ("eve", 45, 50),  # touches eve's other span: one run
            ("fay", 60, 60),  # empty: covers nothing
        ]
    )
    assert [(r.start, r.end, r.count, set(r.owners)) for r in runs] == [
        (0, 5, 1, {"ann"}),
        (5, 12, 2, {"ann", "bob"}),
        (12, 15, 1, {"bob"}),
        (20, 25, 1, {"cy"}),
        (25, 28, 2, {"cy", "dan"}),
        (28, 30, 1, {"cy"}),
        (40, 50, 1, {"eve"}),
    ]


def test_coverage_empty_and_invalid():
    assert coverage([]) == []
    with pytest.raises(SpanError):
        coverage([("ann", 5, 3)])


# Properties

labeled_spans = st.builds(
    lambda document_id, start, length, tag, item_id: LabeledSpan(
        document_id, start, start + length, tag, item_id
    ),
    st.integers(1, 2),
    st.integers(0, 20),
    st.integers(0, 12),
    st.sampled_from(["a", "b"]),
    st.sampled_from(["", "x", "y"]),
)


def brute_force_matches(response, key, min_overlap):
    """Return the size of a maximum matching by trying every assignment (tiny inputs only)."""

    def best(i, used):
        if i == len(key):
            return 0
        options = [best(i + 1, used)]
        for j, r in enumerate(response):
            if j not in used and spans_match(key[i], r, min_overlap=min_overlap):
                options.append(1 + best(i + 1, used | {j}))
        return max(options)

    return best(0, frozenset())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(labeled_spans, max_size=7),
    st.lists(labeled_spans, max_size=7),
    st.sampled_from([0.0, 0.25, 0.5, 1.0]),
    st.randoms(use_true_random=False),
)
def test_matching_properties(response, key, min_overlap, rng: random.Random):
    outcome = match_spans(response, key, min_overlap=min_overlap)
    assert len(outcome.matched) + len(outcome.missed) == len(key)
    assert len(outcome.matched) + len(outcome.extra) == len(response)
    assert Counter([m.key for m in outcome.matched] + list(outcome.missed)) == Counter(key)
    assert Counter([m.response for m in outcome.matched] + list(outcome.extra)) == Counter(response)
    assert all(spans_match(m.key, m.response, min_overlap=min_overlap) for m in outcome.matched)
    shuffled_response, shuffled_key = list(response), list(key)
    rng.shuffle(shuffled_response)
    rng.shuffle(shuffled_key)
    assert match_spans(shuffled_response, shuffled_key, min_overlap=min_overlap) == outcome
    scores = score(outcome)
    for value in (scores.precision, scores.recall, scores.f1):
        assert value is None or 0.0 <= value <= 1.0
    for tag_scores in scores_by_tag(outcome).values():
        for value in (tag_scores.precision, tag_scores.recall, tag_scores.f1):
            assert value is None or 0.0 <= value <= 1.0


crowded_spans = st.builds(
    lambda start, length: LabeledSpan(1, start, start + length, "a"),
    st.integers(0, 12),
    st.integers(1, 8),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(crowded_spans, max_size=5),
    st.lists(crowded_spans, max_size=5),
    st.sampled_from([0.25, 0.5, 1.0]),
)
def test_matching_is_maximum(response, key, min_overlap):
    # One document and one tag, so many spans compete for the same partners.
    outcome = match_spans(response, key, min_overlap=min_overlap)
    assert len(outcome.matched) == brute_force_matches(response, key, min_overlap)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["ann", "bob", "cy"]), st.integers(0, 40), st.integers(0, 15)),
        max_size=10,
    )
)
def test_coverage_properties(triples):
    spans = [(owner, start, start + length) for owner, start, length in triples]
    runs = coverage(spans)
    for run in runs:
        assert run.start < run.end
        # An owner covers a run when its spans, together, cover every code point of it.
        covering = {
            owner
            for owner, _, _ in spans
            if all(
                any(o == owner and s <= point < e for o, s, e in spans)
                for point in range(run.start, run.end)
            )
        }
        assert run.owners == covering
        assert run.count == len(covering) >= 1
    for before, after in zip(runs, runs[1:], strict=False):
        assert before.end <= after.start
        if before.end == after.start:
            assert before.owners != after.owners
    for point in range(60):
        owners = {o for o, s, e in spans if s <= point < e}
        holding = [r for r in runs if r.start <= point < r.end]
        assert [r.owners for r in holding] == ([owners] if owners else [])


def test_pairwise_counts_equal_a_full_match_for_crowded_random_classes():
    import random

    rng = random.Random(7)
    for _ in range(40):
        annotators = {
            name: [
                LabeledSpan(rng.randrange(2), start, start + rng.randrange(1, 12), rng.choice("xy"))
                for start in (rng.randrange(40) for _ in range(rng.randrange(0, 15)))
            ]
            for name in ("ana", "ben", "cy")
        }
        for pair in pairwise_f1(annotators):
            full = score(match_spans(annotators[pair.second], annotators[pair.first]))
            assert pair.scores == full
