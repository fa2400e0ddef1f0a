"""What agreement says when alpha cannot be computed, and how it refuses malformed data.

The reason is shown on the report and exercise pages instead of a number, so its words are
behaviour; each expectation below is written out by hand.
"""

from __future__ import annotations

import pytest

from annotations.classroom.agreement import AlphaResult
from annotations.classroom.agreement import LabeledSpan
from annotations.classroom.agreement import Unit
from annotations.classroom.agreement import krippendorff_alpha
from annotations.classroom.agreement import match_spans
from annotations.classroom.agreement import reliability_alpha
from annotations.classroom.agreement import scores_by_tag

UNITS = [Unit(1, 0, 20), Unit(1, 20, 40)]


def tagged(start, end, tag="a"):
    return LabeledSpan(1, start, end, tag)


def test_one_annotator_is_not_enough():
    # Two sentences times two tags: four decisions.
    outcome = krippendorff_alpha({"ann": [tagged(0, 20)]}, UNITS, ["a", "b"])
    assert outcome == AlphaResult(None, 1, 4, "Alpha needs at least two annotators.")


def test_no_sentence_or_no_tag_leaves_nothing_to_decide():
    both = {"ann": [tagged(0, 20)], "bob": []}
    expected = AlphaResult(
        None, 2, 0, "Alpha needs at least one sentence and one tag to decide on."
    )
    assert krippendorff_alpha(both, [], ["a"]) == expected
    assert krippendorff_alpha(both, UNITS, []) == expected


def test_one_value_everywhere_is_undefined():
    nobody = krippendorff_alpha({"ann": [], "bob": []}, UNITS, ["a"])
    assert nobody == AlphaResult(None, 2, 2, "Every decision is the same: alpha is undefined.")


def test_a_computed_alpha_carries_no_reason():
    # (s1, a): ann 1, bob 1; (s2, a): ann 1, bob 0 -> o11 = 2, o10 = o01 = 1; n1 = 3, n0 = 1,
    # n = 4; alpha = 1 - (n - 1) * 2 / (2 * n1 * n0) = 1 - 6/6 = 0.
    annotators = {"ann": [tagged(0, 40)], "bob": [tagged(0, 20)]}
    outcome = krippendorff_alpha(annotators, UNITS, ["a"])
    assert outcome == AlphaResult(0.0, 2, 2, "")


def test_reliability_data_must_be_a_table():
    with pytest.raises(ValueError) as caught:
        reliability_alpha([1, 2, 3])
    assert str(caught.value) == "reliability data must be a table: one row per coder"
    with pytest.raises(ValueError) as caught:
        reliability_alpha([[1, 2], [1, 2]], level="ordinal")
    assert str(caught.value) == "level must be 'nominal' or 'interval', not 'ordinal'"


def test_scores_by_tag_count_every_match_of_a_tag():
    # "a": three key spans, the response finds two of them -> TP 2, FN 1, P 1, R 2/3, F1 4/5.
    key = [tagged(0, 5), tagged(10, 15), tagged(20, 25)]
    response = [tagged(0, 5), tagged(10, 15)]
    (only,) = scores_by_tag(match_spans(response, key)).values()
    assert (only.true_positives, only.false_positives, only.false_negatives) == (2, 0, 1)
    assert only.recall == pytest.approx(2 / 3) and only.f1 == pytest.approx(4 / 5)


def test_the_default_level_is_nominal():
    # Units (1,1) (1,2) (3,3): nominal counts 1-vs-2 as a whole disagreement, interval as 1.
    data = [[1, 1, 3], [1, 2, 3]]
    # Pairs: unit 1 (1,1)x2, unit 2 (1,2) and (2,1), unit 3 (3,3)x2.
    # o11 = 2, o12 = o21 = 1, o33 = 2; n1 = 3, n2 = 1, n3 = 2, n = 6.
    # Nominal: D_o sum = 2; expected sum over c != k of n_c n_k = 2 * (3*1 + 3*2 + 1*2) = 22;
    # alpha = 1 - 5 * 2 / 22 = 12/22 = 6/11.
    assert reliability_alpha(data) == pytest.approx(6 / 11)
    # Interval: observed 2 * 1 = 2; expected 2 * (3*1*1 + 3*2*4 + 1*2*1) = 58;
    # alpha = 1 - 5 * 2 / 58 = 48/58 = 24/29.
    assert reliability_alpha(data, level="interval") == pytest.approx(24 / 29)
