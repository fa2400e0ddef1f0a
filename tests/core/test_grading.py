"""Grading a class against the key: the fields of each result, per-tag counts, alpha, heat runs.

Expected values are counted by hand in the comments.
"""

from __future__ import annotations

import pytest

from annotations.classroom.agreement import AlphaResult
from annotations.classroom.agreement import LabeledSpan
from annotations.classroom.agreement import Unit
from annotations.classroom.grading import StudentWork
from annotations.classroom.grading import grade_class
from annotations.classroom.grading import heat_runs

# Two sentences of document 1; the key tags the first "x" and the second "y".
UNITS = [Unit(1, 0, 10), Unit(1, 10, 20)]
KEY = [LabeledSpan(1, 0, 10, "x", "k1"), LabeledSpan(1, 10, 20, "y", "k2")]
# Both students tag only "x": Ana both sentences, Ben the first.
ANA = StudentWork(7, "Ana", (LabeledSpan(1, 0, 10, "x", "a1"), LabeledSpan(1, 10, 20, "x", "a2")))
BEN = StudentWork(8, "Ben", (LabeledSpan(1, 1, 9, "x", "b1"),))


def test_each_result_keeps_the_students_id_and_name():
    results = grade_class(KEY, [ANA, BEN], UNITS)
    assert [(r.user_id, r.name) for r in results.students] == [(7, "Ana"), (8, "Ben")]


def test_a_tag_only_the_key_used_is_scored_and_decided():
    results = grade_class(KEY, [ANA, BEN], UNITS)
    # "y": nobody tagged k2, so one miss per student; no match, no extra.
    y = results.by_tag["y"]
    assert (y.true_positives, y.false_positives, y.false_negatives) == (0, 0, 2)
    assert y.recall == 0.0
    # Columns (sentence, tag): (1,x) (1,y) (2,x) (2,y); Ana 1 0 1 0, Ben 1 0 0 0.
    # Pairs per column: (1,1) (0,0) (1,0) (0,0) -> o11 = 2, o00 = 4, o10 = o01 = 1;
    # n1 = 3, n0 = 5, n = 8; alpha = 1 - (n - 1) * 2 / (2 * n1 * n0) = 1 - 14/30 = 8/15.
    assert results.alpha.units == 4 and results.alpha.annotators == 2
    assert results.alpha.alpha == pytest.approx(8 / 15)


def test_per_tag_counts_keep_each_tags_own_matches():
    key = [
        LabeledSpan(1, 0, 10, "x", "k1"),
        LabeledSpan(1, 10, 20, "x", "k2"),
        LabeledSpan(1, 20, 30, "y", "k3"),
    ]
    # Cy matches both "x" key spans, misses "y" and adds a "y" where the key has none.
    cy = StudentWork(
        3,
        "Cy",
        (
            LabeledSpan(1, 0, 10, "x", "c1"),
            LabeledSpan(1, 10, 20, "x", "c2"),
            LabeledSpan(1, 40, 50, "y", "c3"),
        ),
    )
    results = grade_class(key, [cy], [Unit(1, 0, 50)])
    x, y = results.by_tag["x"], results.by_tag["y"]
    assert (x.true_positives, x.false_positives, x.false_negatives) == (2, 0, 0)
    assert (y.true_positives, y.false_positives, y.false_negatives) == (0, 1, 1)
    assert results.overall.true_positives == 2 and results.overall.false_negatives == 1


def test_alpha_is_computed_unless_turned_off():
    assert grade_class(KEY, [ANA, BEN], UNITS).alpha.alpha is not None
    skipped = grade_class(KEY, [ANA, BEN], UNITS, with_alpha=False)
    assert skipped.alpha == AlphaResult(None, 2, 0, "Not computed here.")
    # The scores do not depend on alpha: Ben matched k1 and missed k2.
    ben = skipped.students[1].scores
    assert (ben.true_positives, ben.false_positives, ben.false_negatives) == (1, 0, 1)


def test_heat_run_tags_go_most_used_first_then_by_name():
    # Over [0, 4): "z" by two students, "a" by one.
    one = StudentWork(1, "One", (LabeledSpan(5, 0, 4, "z"), LabeledSpan(5, 0, 4, "a")))
    two = StudentWork(2, "Two", (LabeledSpan(5, 0, 4, "z"),))
    (run,) = heat_runs(5, [one, two])
    assert run.by_tag == (("z", 2), ("a", 1))


def test_heat_run_ties_go_by_tag_name():
    # Six students, one tag each over the same stretch: every count is 1, so names decide.
    tags = ["f", "b", "e", "a", "d", "c"]
    students = [StudentWork(n, f"S{n}", (LabeledSpan(5, 3, 8, tag),)) for n, tag in enumerate(tags)]
    (run,) = heat_runs(5, students)
    assert (run.start, run.end, run.students) == (3, 8, 6)
    assert run.by_tag == tuple((tag, 1) for tag in "abcdef")
