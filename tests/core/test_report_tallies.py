"""Annotation reports and classroom grading against hand-counted fixtures."""

from __future__ import annotations

import doctest

import pytest

from annotations.classroom import grading
from annotations.classroom.agreement import LabeledSpan
from annotations.classroom.agreement import Unit
from annotations.classroom.grading import StudentWork
from annotations.exchange import reports
from annotations.exchange.reports import ReportAnnotation
from annotations.exchange.reports import ReportDocument
from annotations.records import Span

A_TEXT = "Alpha one. Alpha two. Alpha three."
B_TEXT = "Beta one. Beta two."
A = ReportDocument(
    1, "A", "Report", "Daily", A_TEXT, (Span(0, 10), Span(11, 21), Span(22, 34)), (Span(22, 34),)
)
B = ReportDocument(2, "B", "Opinion", "Weekly", B_TEXT, (Span(0, 9), Span(10, 19)), ())
NOTES = [
    ReportAnnotation(1, 0, 10, ("slogan",), "Ana"),
    ReportAnnotation(1, 11, 21, ("loaded", "slogan"), "Ana"),
    ReportAnnotation(2, 0, 9, ("slogan",), "Ana"),
    ReportAnnotation(1, 0, 10, ("slogan",), "Ben"),
    ReportAnnotation(2, 10, 19, ("loaded",), "Ben"),
]


def test_doctests():
    assert doctest.testmod(reports).failed == 0
    assert doctest.testmod(grading).failed == 0


def test_report_numbers_match_the_hand_count():
    report = reports.build_report([A, B], NOTES, tag_order=["slogan", "loaded", "unused"])
    assert report.tags == ("slogan", "loaded")
    assert report.total == 5
    assert [(t.label, t.counts, t.total) for t in report.by_source] == [
        ("A", {"slogan": 3, "loaded": 1}, 3),
        ("B", {"slogan": 1, "loaded": 1}, 2),
    ]
    assert [(t.label, t.counts, t.total) for t in report.by_annotator] == [
        ("Ana", {"slogan": 3, "loaded": 1}, 3),
        ("Ben", {"slogan": 1, "loaded": 1}, 2),
    ]
    assert [(p.text, p.annotations, p.annotators) for p in report.top_passages] == [
        ("Alpha one.", 2, 2),
        ("Alpha two.", 1, 1),
        ("Beta one.", 1, 1),
        ("Beta two.", 1, 1),
    ]
    assert report.top_passages[1].tags == (("loaded", 1), ("slogan", 1))
    # "Alpha three." is the one sentence only A has, and nobody tagged it.
    assert [(p.text, p.annotations) for p in report.one_source] == [("Alpha three.", 0)]
    # Ana vs Ben: one shared (span, tag) of Ana's 4 and Ben's 2 -> F1 = 2*1 / (2*1 + 3 + 1).
    (pair,) = report.pairwise
    assert (pair.first, pair.second) == ("Ana", "Ben")
    assert pair.scores.f1 == pytest.approx(1 / 3)
    # 5 sentences x 2 tags = 10 decisions; coincidences o11=2, o00=10, o01=o10=4; n1=6, n0=14:
    # alpha = 1 - (n - 1) * 8 / (2 * 6 * 14) = 1 - 19 * 8 / 168 = 2/21.
    assert report.alpha.units == 10
    assert report.alpha.alpha == pytest.approx(2 / 21)


def test_a_passage_counts_an_annotation_over_half_of_the_shorter():
    assert reports.covers(0, 10, 5, 40)
    assert not reports.covers(0, 10, 6, 40)
    assert reports.covers(10, 12, 0, 40)
    assert not reports.covers(0, 10, 10, 20)


def test_an_empty_report_has_no_agreement_and_no_ranking():
    report = reports.build_report([A, B], [])
    assert report.total == 0 and report.top_passages == ()
    assert report.alpha.alpha is None and report.alpha.reason
    assert [p.annotations for p in report.one_source] == [0]


def test_grading_a_class_against_a_key():
    key = [LabeledSpan(1, 0, 10, "slogan", "k1"), LabeledSpan(2, 0, 9, "loaded", "k2")]
    ana = StudentWork(7, "Ana", (LabeledSpan(1, 2, 10, "slogan", "a1"),))
    ben = StudentWork(
        8, "Ben", (LabeledSpan(2, 0, 9, "slogan", "b1"), LabeledSpan(2, 0, 9, "loaded", "b2"))
    )
    units = [Unit(1, 0, 10), Unit(2, 0, 9)]
    results = grading.grade_class(key, [ana, ben], units)
    by_name = {r.name: r.scores for r in results.students}
    assert (by_name["Ana"].precision, by_name["Ana"].recall) == (1.0, 0.5)
    assert (by_name["Ben"].precision, by_name["Ben"].recall) == (0.5, 0.5)
    assert results.by_tag["slogan"].true_positives == 1
    assert results.by_tag["slogan"].false_positives == 1
    assert results.by_tag["loaded"].false_negatives == 1
    assert results.overall.true_positives == 2 and results.key_items == 2
    assert results.alpha.annotators == 2


def test_heat_runs_count_students_not_tags():
    ana = StudentWork(1, "Ana", (LabeledSpan(5, 0, 4, "x"), LabeledSpan(5, 0, 4, "y")))
    ben = StudentWork(2, "Ben", (LabeledSpan(5, 2, 6, "x"), LabeledSpan(9, 0, 3, "x")))
    runs = grading.heat_runs(5, [ana, ben])
    assert [(r.start, r.end, r.students) for r in runs] == [(0, 2, 1), (2, 4, 2), (4, 6, 1)]
    assert runs[1].by_tag == (("x", 2), ("y", 1))
    only_y = grading.heat_runs(5, [ana, ben], tag="y")
    assert [(r.start, r.end, r.students) for r in only_y] == [(0, 4, 1)]
