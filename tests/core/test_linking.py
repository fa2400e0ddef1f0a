"""The link model's features, its one-event check and its confidence bands."""

from __future__ import annotations

import numpy as np
import pytest

from annotations.text.linking import FEATURES
from annotations.text.linking import HIGH
from annotations.text.linking import KEEP
from annotations.text.linking import MEDIUM
from annotations.text.linking import Candidates
from annotations.text.linking import band
from annotations.text.linking import feature_matrix
from annotations.text.linking import is_headline_like
from annotations.text.linking import reports_one_event


def make_candidates(pairs, scores, *, n_a, n_b):
    rows = np.array([i for i, _ in pairs], dtype=np.intp)
    cols = np.array([j for _, j in pairs], dtype=np.intp)
    return Candidates(
        rows=rows,
        cols=cols,
        scores=np.array(scores, dtype=np.float64),
        shares_number=np.array([False, True, False]),
        background_a=np.full(n_a, 10.0, dtype=np.float32),
        background_b=np.array([5.0] * n_b, dtype=np.float32),
        containment=np.array([0.5, 0.25, 1.0]),
        informative=np.array([3.0, 2.0, 1.0]),
        other_numbers=np.array([False, False, True]),
    )


def test_features_of_three_candidates_counted_by_hand():
    # Ten sentences each; candidates (0, 0) 40, (1, 1) 20 and (1, 5) 10.
    found = make_candidates([(0, 0), (1, 1), (1, 5)], [40.0, 20.0, 10.0], n_a=10, n_b=10)
    headlines_a = [True] + [False] * 9
    x = feature_matrix(found, 10, 10, headlines_a, [False] * 10)
    row = {name: x[:, k] for k, name in enumerate(FEATURES)}
    assert row["score"] == pytest.approx(np.log([40.0, 20.0, 10.0]))
    # Margin over the larger background difference: 40 - 5, 20 - 5, 10 - 5.
    assert row["margin"] == pytest.approx([35.0, 15.0, 5.0])
    # Best of A1 is 20 (so 10 is half of it); each B sentence has one candidate.
    assert row["near_best_low"] == pytest.approx([1.0, 1.0, 0.5])
    assert row["near_best_high"] == pytest.approx([1.0, 1.0, 1.0])
    # Positions 0/9 - 0/9, 1/9 - 1/9, |1/9 - 5/9|; ten sentences are not scaled down.
    assert row["position"] == pytest.approx([0.0, 0.0, 4 / 9])
    # (0, 0) and (1, 1) are diagonal neighbours; (1, 5) has none.
    assert row["diagonal"] == pytest.approx([20.0, 40.0, 0.0])
    assert row["adjacent"] == pytest.approx([0.0, 0.0, 0.0])
    assert row["number"].tolist() == [0.0, 1.0, 0.0]
    assert row["headline"].tolist() == [1.0, 0.0, 0.0]
    assert row["other_numbers"].tolist() == [0.0, 0.0, 1.0]


def test_position_counts_less_in_texts_of_a_few_sentences():
    found = make_candidates([(0, 0), (0, 1), (1, 1)], [30.0, 30.0, 30.0], n_a=2, n_b=2)
    x = feature_matrix(found, 2, 2, [False, False], [False, False])
    # |0 - 1| = 1, scaled by two sentences of eight: 0.25.
    assert x[1, FEATURES.index("position")] == pytest.approx(0.25)
    # (0, 1) is next to (0, 0) and to (1, 1) along one article: adjacent, not diagonal.
    assert x[1, FEATURES.index("adjacent")] == pytest.approx(30.0)


def test_different_events_are_told_from_one_event_by_their_strong_pairs():
    # Fourteen sentences: one pair at 48 is not enough, two at 30 or more are.
    assert not reports_one_event(np.array([48.0, 20.0, 18.0]), 14, 15)
    assert reports_one_event(np.array([48.0, 31.0, 18.0]), 14, 15)
    # Forty sentences need four (a tenth).
    assert not reports_one_event(np.array([48.0, 31.0, 35.0]), 40, 60)
    assert reports_one_event(np.array([48.0, 31.0, 35.0, 30.0]), 40, 60)
    # Five sentences are too few to tell.
    assert reports_one_event(np.array([12.0]), 5, 30)


def test_bands_follow_the_cut_offs():
    assert KEEP < MEDIUM < HIGH
    assert [band(p) for p in (HIGH, HIGH - 0.01, MEDIUM, MEDIUM - 0.01, KEEP)] == [
        "high",
        "medium",
        "medium",
        "low",
        "low",
    ]


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("Rovers edge Albion 2-1 with late header", True),
        ("• Three snow leopard cubs were born on May 18", True),
        ("Rovers won.", False),
        ('"We never stopped believing," Fairley said.', False),
        ("首相は25日に会談した。", False),
        ("Did they win?”", False),
    ],
)
def test_headline_like_units_end_without_closing_punctuation(unit, expected):
    assert is_headline_like(unit) is expected
