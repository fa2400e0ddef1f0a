"""What the exercise pages show of a class's work: rows and the key, matched and scored."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotations.classroom import agreement
from annotations.classroom import exercises
from annotations.classroom.agreement import LabeledSpan
from annotations.classroom.agreement import Unit
from annotations.classroom.grading import ClassResults
from annotations.classroom.grading import StudentResult
from annotations.classroom.grading import StudentWork
from annotations.classroom.grading import grade_class
from annotations.storage import comparisons
from annotations.storage import models


@dataclass(frozen=True, slots=True)
class ClassWork:
    """An exercise's key and every student's work, as rows and as labelled spans."""

    key_rows: tuple[models.Annotation, ...]
    student_rows: dict[int, tuple[models.Annotation, ...]]
    works: tuple[StudentWork, ...]
    key: tuple[LabeledSpan, ...]


def load_class_work(
    session: Session, exercise: models.Exercise, *, only_user: int | None = None
) -> ClassWork:
    """Return the key and each student's live annotations (or one student's: ``only_user``)."""
    rows = exercises.exercise_annotations(session, exercise)
    if only_user is not None:
        rows = [row for row in rows if row.author_id in (only_user, exercise.teacher_id)]
    key_rows = tuple(row for row in rows if row.author_id == exercise.teacher_id)
    by_author: dict[int, list[models.Annotation]] = {}
    for row in rows:
        if row.author_id is not None and row.author_id != exercise.teacher_id:
            by_author.setdefault(row.author_id, []).append(row)
    works = []
    student_rows: dict[int, tuple[models.Annotation, ...]] = {}
    for member in exercise.members:
        if only_user is not None and member.user_id != only_user:
            continue
        mine = tuple(by_author.get(member.user_id, ()))
        student_rows[member.user_id] = mine
        works.append(StudentWork(member.user_id, member.user.name, exercises.labeled_spans(mine)))
    return ClassWork(
        key_rows=key_rows,
        student_rows=student_rows,
        works=tuple(works),
        key=exercises.labeled_spans(key_rows),
    )


def load_class_spans(session: Session, exercise: models.Exercise) -> ClassWork:
    """Return the key and every student's work as labelled spans only (no rows): fast."""
    spans = exercises.exercise_spans(session, exercise)
    members = session.execute(
        select(models.User.id, models.User.name)
        .join(models.ExerciseMember, models.ExerciseMember.user_id == models.User.id)
        .where(models.ExerciseMember.exercise_id == exercise.id)
        .order_by(models.ExerciseMember.joined_at, models.User.id)
    ).all()
    return ClassWork(
        key_rows=(),
        student_rows={},
        works=tuple(
            StudentWork(user_id, name, spans.get(user_id, ())) for user_id, name in members
        ),
        key=spans.get(exercise.teacher_id, ()),
    )


def sentence_units(exercise: models.Exercise) -> list[Unit]:
    """Return the prose sentences of the exercise's two articles as agreement units."""
    # Headings and metadata markers are not sentences: segmentation keeps them apart.
    return [
        Unit(row.id, sentence.start, sentence.end)
        for row in (exercise.doc_a, exercise.doc_b)
        for sentence in comparisons.segmentation_from_json(row.segmentation).sentences
    ]


def grade(exercise: models.Exercise, work: ClassWork, *, with_alpha: bool = True) -> ClassResults:
    """Return the class's results against the key (alpha among the students unless told not)."""
    units = sentence_units(exercise) if with_alpha else []
    return grade_class(work.key, work.works, units, with_alpha=with_alpha)


def student_result(work: ClassWork, user_id: int) -> StudentResult | None:
    """Return one student's work against the key, or None if they are not in ``work``."""
    for student in work.works:
        if student.user_id == user_id:
            result = agreement.match_spans(student.items, work.key)
            return StudentResult(user_id, student.name, result, agreement.score(result))
    return None


@dataclass(frozen=True, slots=True)
class VersusRow:
    """One line of a student-against-key list: a tag on a span, and what it matched."""

    status: str  # "matched", "missed" or "extra"
    tag: str
    key: models.Annotation | None
    student: models.Annotation | None


def versus_rows(result: StudentResult, work: ClassWork) -> list[VersusRow]:
    """Return a student's matched, missed and extra items with their annotations, in text order."""
    by_id = {row.public_id: row for row in work.key_rows}
    for rows in work.student_rows.values():
        by_id.update((row.public_id, row) for row in rows)
    lines = [
        VersusRow("matched", m.key.tag, by_id.get(m.key.item_id), by_id.get(m.response.item_id))
        for m in result.result.matched
    ]
    lines += [VersusRow("missed", i.tag, by_id.get(i.item_id), None) for i in result.result.missed]
    lines += [VersusRow("extra", i.tag, None, by_id.get(i.item_id)) for i in result.result.extra]

    def place(line: VersusRow) -> tuple[int, int, int]:
        row = line.key or line.student
        assert row is not None
        return (row.document_id, row.start, row.end)

    return sorted(lines, key=place)


@dataclass(frozen=True, slots=True)
class TagOutcome:
    """One tag of a student annotation: matched in the key (and by which key annotation) or not."""

    tag: str
    matched: bool
    key: models.Annotation | None


@dataclass(frozen=True, slots=True)
class Review:
    """A student's annotations with the outcome of each tag, and the key items they missed."""

    annotations: tuple[tuple[models.Annotation, tuple[TagOutcome, ...]], ...]
    missed: tuple[VersusRow, ...]


def review(result: StudentResult, work: ClassWork) -> Review:
    """Return a student's work annotation by annotation, against the key."""
    outcomes: dict[str, list[TagOutcome]] = {}
    missed = []
    for line in versus_rows(result, work):
        if line.student is not None:
            outcome = TagOutcome(line.tag, line.status == "matched", line.key)
            outcomes.setdefault(line.student.public_id, []).append(outcome)
        else:
            missed.append(line)
    rows = work.student_rows.get(result.user_id, ())
    return Review(
        annotations=tuple((row, tuple(outcomes.get(row.public_id, ()))) for row in rows),
        missed=tuple(missed),
    )
