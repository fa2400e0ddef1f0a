"""A class's work against the teacher's key: matches, scores, agreement and the heatmap.

Plain computation on :class:`annotations.classroom.agreement.LabeledSpan` items (one per tag of an
annotation): no database here. A student's span matches a key span when the tags agree and
the two overlap by at least half of the shorter one (``agreement.match_spans``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from annotations.classroom import agreement
from annotations.classroom.agreement import AlphaResult
from annotations.classroom.agreement import LabeledSpan
from annotations.classroom.agreement import MatchResult
from annotations.classroom.agreement import Scores
from annotations.classroom.agreement import Unit

__all__ = [
    "ClassResults",
    "HeatRun",
    "StudentResult",
    "StudentWork",
    "grade_class",
    "heat_runs",
]


@dataclass(frozen=True, slots=True)
class StudentWork:
    """One student's tagged spans."""

    user_id: int
    name: str
    items: tuple[LabeledSpan, ...]


@dataclass(frozen=True, slots=True)
class StudentResult:
    """One student against the key."""

    user_id: int
    name: str
    result: MatchResult
    scores: Scores


@dataclass(frozen=True, slots=True)
class ClassResults:
    """Every student against the key, the class per tag, and agreement among the students."""

    students: tuple[StudentResult, ...]
    by_tag: dict[str, Scores]
    overall: Scores
    alpha: AlphaResult
    key_items: int


def grade_class(
    key: Sequence[LabeledSpan],
    students: Sequence[StudentWork],
    units: Sequence[Unit],
    *,
    with_alpha: bool = True,
) -> ClassResults:
    """Match each student's work with the key; score per student and per tag; alpha.

    Per-tag and overall scores are micro-averaged: the matches of all students are counted
    together. Alpha runs over the sentence-level decisions (sentence x tag) of the students,
    for the tags that the key or any student used.

    >>> key = [LabeledSpan(1, 0, 10, "slogan")]
    >>> work = StudentWork(7, "Ana", (LabeledSpan(1, 2, 9, "slogan"),))
    >>> grade_class(key, [work], [Unit(1, 0, 10)]).students[0].scores.f1
    1.0
    """
    results = []
    for work in students:
        result = agreement.match_spans(work.items, key)
        results.append(
            StudentResult(
                user_id=work.user_id,
                name=work.name,
                result=result,
                scores=agreement.score(result),
            )
        )
    tags = sorted({item.tag for item in key} | {i.tag for w in students for i in w.items})
    by_tag = {tag: _micro_for_tag([r.result for r in results], tag) for tag in tags}
    annotators = {f"{work.user_id}": work.items for work in students}
    if with_alpha:
        alpha = agreement.krippendorff_alpha(annotators, units, tags)
    else:
        alpha = AlphaResult(None, len(annotators), 0, "Not computed here.")
    return ClassResults(
        students=tuple(results),
        by_tag=by_tag,
        overall=agreement.micro_scores([r.result for r in results]),
        alpha=alpha,
        key_items=len(key),
    )


def _micro_for_tag(results: Sequence[MatchResult], tag: str) -> Scores:
    only = [
        MatchResult(
            matched=tuple(m for m in result.matched if m.key.tag == tag),
            missed=tuple(item for item in result.missed if item.tag == tag),
            extra=tuple(item for item in result.extra if item.tag == tag),
        )
        for result in results
    ]
    return agreement.micro_scores(only)


@dataclass(frozen=True, slots=True)
class HeatRun:
    """A stretch of one document and how many students tagged it, in all and by tag."""

    start: int
    end: int
    students: int
    by_tag: tuple[tuple[str, int], ...]


def heat_runs(
    document_id: int, students: Sequence[StudentWork], *, tag: str | None = None
) -> list[HeatRun]:
    """Return the stretches of a document that students tagged (with ``tag`` only, if given).

    >>> a = StudentWork(1, "A", (LabeledSpan(5, 0, 4, "x"),))
    >>> b = StudentWork(2, "B", (LabeledSpan(5, 2, 6, "y"),))
    >>> [(run.start, run.end, run.students) for run in heat_runs(5, [a, b])]
    [(0, 2, 1), (2, 4, 2), (4, 6, 1)]
    """
    spans = [
        (f"{work.user_id}\t{item.tag}", item.start, item.end)
        for work in students
        for item in work.items
        if item.document_id == document_id and (tag is None or item.tag == tag)
    ]
    runs = []
    for run in agreement.coverage(spans):
        owners = [owner.split("\t", 1) for owner in run.owners]
        per_tag = Counter(tag_key for _, tag_key in owners)
        runs.append(
            HeatRun(
                start=run.start,
                end=run.end,
                students=len({user for user, _ in owners}),
                by_tag=tuple(sorted(per_tag.items(), key=lambda item: (-item[1], item[0]))),
            )
        )
    return runs
