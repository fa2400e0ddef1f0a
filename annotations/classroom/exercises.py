"""Classroom exercises: create and run them, let students join, follow progress, feedback.

Queries and writes take a Session and never commit (the caller owns the transaction).
An exercise moves through ``draft -> open -> closed -> revealed``; a closed exercise can be
opened again, and a revealed one closed again (hiding the key). Students join an open
exercise with its join code, a display name unique in the exercise (whatever its case) and
a password; a student account belongs to that one exercise.
"""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from annotations.classroom.agreement import LabeledSpan
from annotations.errors import AccountError
from annotations.errors import ExerciseClosedError
from annotations.errors import ExerciseError
from annotations.errors import JoinError
from annotations.storage import accounts
from annotations.storage import listing
from annotations.storage import models

__all__ = [
    "JOIN_CODE_ALPHABET",
    "JOIN_CODE_LENGTH",
    "Joined",
    "MAX_DISPLAY_NAME_LENGTH",
    "MAX_FEEDBACK_LENGTH",
    "MAX_INSTRUCTIONS_LENGTH",
    "MAX_TITLE_LENGTH",
    "StudentProgress",
    "TRANSITIONS",
    "check_can_annotate",
    "check_display_name",
    "check_joinable",
    "count_members",
    "create_exercise",
    "exercise_annotations",
    "exercise_spans",
    "feedback_for",
    "find_exercise_by_code",
    "join_exercise",
    "labeled_spans",
    "list_teacher_exercises",
    "make_join_code",
    "membership",
    "name_key",
    "normalize_join_code",
    "set_feedback",
    "set_state",
    "student_progress",
    "update_exercise",
]

# No 0/O, 1/I/L: a code read off a projector must not be misread.
JOIN_CODE_ALPHABET: Final = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH: Final = 6
MAX_TITLE_LENGTH: Final = 200
MAX_INSTRUCTIONS_LENGTH: Final = 5000
MAX_DISPLAY_NAME_LENGTH: Final = 60
MAX_FEEDBACK_LENGTH: Final = 2000

TRANSITIONS: Final[dict[models.ExerciseState, tuple[models.ExerciseState, ...]]] = {
    "draft": ("open",),
    "open": ("closed", "revealed"),
    "closed": ("open", "revealed"),
    "revealed": ("closed",),
}


def normalize_join_code(code: str) -> str:
    """Return a typed join code as stored: upper case, without spaces or dashes."""
    return "".join(char for char in code.upper() if char not in " -\t")


def make_join_code(session: Session) -> str:
    """Return a join code no stored exercise uses."""
    while True:
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        if find_exercise_by_code(session, code) is None:
            return code


def find_exercise_by_code(session: Session, code: str) -> models.Exercise | None:
    """Return the exercise with this join code (typed in any case), or None."""
    query = select(models.Exercise).where(models.Exercise.join_code == normalize_join_code(code))
    return session.scalars(query).first()


def _clean_text(value: str, field: str, limit: int, *, required: bool) -> str:
    value = value.strip()
    if required and not value:
        raise ExerciseError("required", field=field)
    if len(value) > limit:
        raise ExerciseError(f"use at most {limit} characters", field=field)
    return value


def create_exercise(
    session: Session,
    *,
    teacher_id: int,
    comparison_id: int,
    tag_set_key: str,
    title: str,
    instructions: str = "",
    document_ids: tuple[int, int] | None = None,
    hints: bool = False,
) -> models.Exercise:
    """Add a draft exercise on a comparison (its first two documents unless others are given).

    With ``hints`` its students may ask for suggestions while they work.
    """
    title = _clean_text(title, "title", MAX_TITLE_LENGTH, required=True)
    instructions = _clean_text(
        instructions, "instructions", MAX_INSTRUCTIONS_LENGTH, required=False
    )
    comparison = session.get(models.Comparison, comparison_id)
    if comparison is None or len(comparison.members) < 2:
        raise ExerciseError(f"comparison {comparison_id} does not exist", field="comparison")
    member_ids = [member.document_id for member in comparison.members]
    doc_a_id, doc_b_id = document_ids if document_ids is not None else tuple(member_ids[:2])
    if doc_a_id == doc_b_id or doc_a_id not in member_ids or doc_b_id not in member_ids:
        raise ExerciseError("pick two different articles of the comparison", field="documents")
    tag_set = session.scalars(select(models.TagSet).where(models.TagSet.key == tag_set_key)).first()
    if tag_set is None:
        raise ExerciseError(f"unknown tag set {tag_set_key!r}", field="tag_set")
    exercise = models.Exercise(
        title=title,
        instructions=instructions,
        comparison_id=comparison.id,
        doc_a_id=doc_a_id,
        doc_b_id=doc_b_id,
        tag_set_id=tag_set.id,
        teacher_id=teacher_id,
        join_code=make_join_code(session),
        state="draft",
        hints=hints,
    )
    session.add(exercise)
    session.flush()
    return exercise


def update_exercise(
    session: Session,
    exercise: models.Exercise,
    *,
    title: str,
    instructions: str,
    hints: bool | None = None,
) -> models.Exercise:
    """Change an exercise's title and instructions (and whether students get hints)."""
    exercise.title = _clean_text(title, "title", MAX_TITLE_LENGTH, required=True)
    exercise.instructions = _clean_text(
        instructions, "instructions", MAX_INSTRUCTIONS_LENGTH, required=False
    )
    if hints is not None:
        exercise.hints = hints
    session.flush()
    return exercise


def set_state(
    session: Session, exercise: models.Exercise, state: models.ExerciseState
) -> models.Exercise:
    """Move an exercise to ``state`` (see TRANSITIONS), noting when; the same state is a no-op."""
    if state == exercise.state:
        return exercise
    if state not in TRANSITIONS.get(exercise.state, ()):
        raise ExerciseError(f"a {exercise.state} exercise cannot become {state}", field="state")
    now = models.utcnow()
    if state == "open":
        exercise.opened_at = exercise.opened_at or now
        exercise.closed_at = None
    elif state == "closed":
        exercise.closed_at = now
        exercise.revealed_at = None
    elif state == "revealed":
        exercise.closed_at = exercise.closed_at if exercise.state == "closed" else now
        exercise.revealed_at = now
    exercise.state = state
    session.flush()
    return exercise


def list_teacher_exercises(session: Session, teacher_id: int) -> list[models.Exercise]:
    """Return a teacher's exercises, newest first."""
    query = (
        select(models.Exercise)
        .where(models.Exercise.teacher_id == teacher_id)
        .options(selectinload(models.Exercise.comparison), selectinload(models.Exercise.tag_set))
        .order_by(models.Exercise.created_at.desc(), models.Exercise.id.desc())
    )
    return list(session.scalars(query))


def count_members(session: Session, exercise_ids: Sequence[int]) -> dict[int, int]:
    """Return how many students each exercise has."""
    if not exercise_ids:
        return {}
    query = (
        select(models.ExerciseMember.exercise_id, func.count())
        .where(models.ExerciseMember.exercise_id.in_(exercise_ids))
        .group_by(models.ExerciseMember.exercise_id)
    )
    return {exercise_id: count for exercise_id, count in session.execute(query)}


def membership(session: Session, user_id: int) -> models.ExerciseMember | None:
    """Return the exercise membership of a student account, or None."""
    query = select(models.ExerciseMember).where(models.ExerciseMember.user_id == user_id)
    return session.scalars(query).first()


def name_key(name: str) -> str:
    """Return the key a display name is unique by within an exercise."""
    return unicodedata.normalize("NFKC", " ".join(name.split())).casefold()


def check_display_name(name: str) -> str:
    """Return the display name with its spaces tidied, or raise JoinError."""
    name = " ".join(name.split())
    if not name:
        raise JoinError("enter the name your teacher will see", field="name")
    if len(name) > MAX_DISPLAY_NAME_LENGTH:
        raise JoinError(f"use at most {MAX_DISPLAY_NAME_LENGTH} characters", field="name")
    if any(unicodedata.category(char).startswith("C") for char in name):
        raise JoinError("use letters, digits, spaces and punctuation only", field="name")
    return name


def check_joinable(exercise: models.Exercise) -> None:
    """Raise JoinError unless students can join the exercise now."""
    if exercise.state == "draft":
        raise JoinError("this exercise is not open yet; ask your teacher to open it", field="code")
    if exercise.state != "open":
        raise JoinError(
            "this exercise is closed and takes no new students; "
            "if you joined it before, type the name and password you used",
            field="code",
        )


@dataclass(frozen=True, slots=True)
class Joined:
    """A student signed in to an exercise: new (just joined) or coming back."""

    user: models.User
    exercise: models.Exercise
    created: bool


def join_exercise(session: Session, *, code: str, name: str, password: str) -> Joined:
    """Add a student to the exercise with this code, or sign a returning student back in.

    A display name already taken in the exercise signs its owner in when the password is
    theirs; otherwise it is refused, so nobody can take over another student's work. A
    student coming back may do so after the exercise closed (to read the feedback); new
    students may only join an open exercise.
    """
    exercise = find_exercise_by_code(session, code) if code.strip() else None
    if exercise is None:
        raise JoinError("no exercise has this code; check it with your teacher", field="code")
    name = check_display_name(name)
    key = name_key(name)
    query = (
        select(models.ExerciseMember)
        .where(
            models.ExerciseMember.exercise_id == exercise.id,
            models.ExerciseMember.name_key == key,
        )
        .options(selectinload(models.ExerciseMember.user))
    )
    member = session.scalars(query).first()
    if member is not None:
        user = member.user
        if user.password_hash is None or not accounts.verify_password(user.password_hash, password):
            raise JoinError(
                "this name is already taken in this exercise; if it is yours, "
                "the password is wrong, otherwise choose another name",
                field="name",
            )
        user.last_login_at = models.utcnow()
        return Joined(user=user, exercise=exercise, created=False)
    check_joinable(exercise)
    try:
        accounts.check_password(password, username=name)
    except AccountError as error:
        raise JoinError(error.problem, field=error.field) from error
    user = models.User(
        name=name,
        role="student",
        password_hash=accounts.hash_password(password),
        last_login_at=models.utcnow(),
    )
    session.add(user)
    session.flush()
    session.add(models.ExerciseMember(exercise_id=exercise.id, user_id=user.id, name_key=key))
    session.flush()
    return Joined(user=user, exercise=exercise, created=True)


def check_can_annotate(exercise: models.Exercise, user_id: int, role: str) -> None:
    """Raise ExerciseClosedError unless this user may add or change work in the exercise now.

    The owning teacher may edit the key in any state; a student only while it is open.
    """
    if user_id == exercise.teacher_id:
        return
    if role != "student":
        raise ExerciseClosedError(
            "only the exercise's teacher and students tag here", field="exercise"
        )
    if exercise.state != "open":
        raise ExerciseClosedError(
            f"this exercise is {exercise.state}; tags can no longer be changed", field="exercise"
        )


@dataclass(frozen=True, slots=True)
class StudentProgress:
    """One student's work so far."""

    user_id: int
    name: str
    joined_at: dt.datetime
    annotations: int
    tags: tuple[tuple[str, int], ...]
    last_activity: dt.datetime | None


def student_progress(session: Session, exercise: models.Exercise) -> list[StudentProgress]:
    """Return every student's progress, in the order they joined (three queries in all)."""
    members = session.execute(
        select(models.User.id, models.User.name, models.ExerciseMember.joined_at)
        .join(models.ExerciseMember, models.ExerciseMember.user_id == models.User.id)
        .where(models.ExerciseMember.exercise_id == exercise.id)
        .order_by(models.ExerciseMember.joined_at, models.User.id)
    ).all()
    live = listing.annotation_filters(exercise_id=exercise.id)
    counts = {
        author_id: (count, last)
        for author_id, count, last in session.execute(
            select(
                models.Annotation.author_id,
                func.count(models.Annotation.id),
                func.max(models.Annotation.updated_at),
            )
            .where(*live)
            .group_by(models.Annotation.author_id)
        )
    }
    tag_counts: dict[int, Counter[str]] = {}
    for tag_author_id, tag_name, count in session.execute(
        select(models.Annotation.author_id, models.Tag.name, func.count())
        .join(models.AnnotationTag, models.AnnotationTag.annotation_id == models.Annotation.id)
        .join(models.Tag, models.Tag.id == models.AnnotationTag.tag_id)
        .where(*live)
        .group_by(models.Annotation.author_id, models.Tag.name)
    ):
        if tag_author_id is not None:
            tag_counts.setdefault(tag_author_id, Counter())[tag_name] = count
    progress = []
    for user_id, name, joined_at in members:
        count, last = counts.get(user_id, (0, None))
        tags = tag_counts.get(user_id, Counter())
        progress.append(
            StudentProgress(
                user_id=user_id,
                name=name,
                joined_at=joined_at,
                annotations=count,
                tags=tuple(sorted(tags.items(), key=lambda item: (-item[1], item[0]))),
                last_activity=last,
            )
        )
    return progress


def exercise_annotations(
    session: Session, exercise: models.Exercise, *, author_id: int | None = None
) -> list[models.Annotation]:
    """Return the live annotations of an exercise (of one author when given), by position."""
    return listing.list_annotations(session, exercise_id=exercise.id, author_id=author_id)


def feedback_for(session: Session, annotation_ids: Sequence[int]) -> dict[int, models.Feedback]:
    """Return the feedback on each of these annotations that has some."""
    if not annotation_ids:
        return {}
    query = select(models.Feedback).where(models.Feedback.annotation_id.in_(annotation_ids))
    return {row.annotation_id: row for row in session.scalars(query)}


def set_feedback(
    session: Session, annotation: models.Annotation, *, teacher_id: int, body: str
) -> models.Feedback | None:
    """Write (or, with an empty body, remove) the teacher's feedback on a student annotation."""
    if annotation.exercise_id is None:
        raise ExerciseError("feedback goes on work done in an exercise", field="annotation")
    body = body.strip()
    if len(body) > MAX_FEEDBACK_LENGTH:
        raise ExerciseError(f"use at most {MAX_FEEDBACK_LENGTH} characters", field="body")
    row = session.scalars(
        select(models.Feedback).where(models.Feedback.annotation_id == annotation.id)
    ).first()
    if not body:
        if row is not None:
            session.delete(row)
            session.flush()
        return None
    if row is None:
        row = models.Feedback(annotation_id=annotation.id, teacher_id=teacher_id, body=body)
        session.add(row)
    else:
        row.body = body
        row.teacher_id = teacher_id
    session.flush()
    return row


def labeled_spans(rows: Sequence[models.Annotation]) -> tuple[LabeledSpan, ...]:
    """Return one labelled span per tag of each annotation (its public id as the item id)."""
    return tuple(
        LabeledSpan(row.document_id, row.start, row.end, tag.key, row.public_id)
        for row in rows
        for tag in row.tags
    )


def exercise_spans(
    session: Session, exercise: models.Exercise
) -> dict[int, tuple[LabeledSpan, ...]]:
    """Return each author's live work in the exercise as labelled spans, in one query.

    The class-wide pages (results, heatmap, report) need only where and which tags; loading
    thousands of ORM rows with their tags would cost them several times as long.
    """
    query = listing.in_text_order(
        select(
            models.Annotation.author_id,
            models.Annotation.public_id,
            models.Annotation.document_id,
            models.Annotation.start,
            models.Annotation.end,
            models.Tag.key,
        )
        .join(models.AnnotationTag, models.AnnotationTag.annotation_id == models.Annotation.id)
        .join(models.Tag, models.Tag.id == models.AnnotationTag.tag_id)
        .where(*listing.annotation_filters(exercise_id=exercise.id)),
        models.Tag.position,
    )
    spans: dict[int, list[LabeledSpan]] = {}
    for author_id, public_id, document_id, start, end, tag_key in session.execute(query):
        if author_id is not None:
            spans.setdefault(author_id, []).append(
                LabeledSpan(document_id, start, end, tag_key, public_id)
            )
    return {author_id: tuple(items) for author_id, items in spans.items()}
