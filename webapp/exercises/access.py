"""Who may see and change an exercise and the work in it.

An exercise is visible to its teacher and to its own students only; to anyone else it
does not exist (404), so ids cannot be probed. A student sees only their own work (and,
after the reveal, the key); only the owning teacher manages the exercise.
"""

from __future__ import annotations

from flask import abort
from flask import current_app
from flask_login import current_user
from sqlalchemy.orm import Session

from annotations.classroom import exercises
from annotations.storage import models
from annotations.storage import saving


def is_owner(exercise: models.Exercise) -> bool:
    """Return True when the signed-in user is the exercise's teacher."""
    return bool(current_user.is_authenticated and int(current_user.id) == exercise.teacher_id)


def is_member(session: Session, exercise: models.Exercise) -> bool:
    """Return True when the signed-in user is one of the exercise's students."""
    if not current_user.is_authenticated or current_user.role != "student":
        return False
    key = (exercise.id, int(current_user.id))
    return session.get(models.ExerciseMember, key) is not None


def get_exercise_or_404(
    session: Session, exercise_id: int, *, manage: bool = False
) -> models.Exercise:
    """Return the exercise if the signed-in user may see it (manage: is its teacher), else 404."""
    exercise = session.get(models.Exercise, exercise_id)
    if exercise is None:
        abort(404, f"no exercise has the id {exercise_id}")
    if is_owner(exercise) or (not manage and is_member(session, exercise)):
        return exercise
    abort(404, f"no exercise has the id {exercise_id}")


def check_may_create(session: Session, exercise_id: int | None) -> models.Exercise | None:
    """Abort unless the signed-in user may add an annotation there; return the exercise."""
    if exercise_id is None:
        if not current_app.config.get("LOGIN_DISABLED") and current_user.role != "teacher":
            abort(403, "students tag in their exercise only")
        return None
    if current_app.config.get("LOGIN_DISABLED"):
        return session.get(models.Exercise, exercise_id)
    exercise = get_exercise_or_404(session, exercise_id)
    exercises.check_can_annotate(exercise, int(current_user.id), current_user.role)
    return exercise


def check_may_change(session: Session, public_id: str) -> None:
    """Abort unless the signed-in user may edit, delete or restore this annotation."""
    if current_app.config.get("LOGIN_DISABLED"):
        return
    row = saving.find_annotation(session, public_id)
    if row is None:
        return  # the store answers "not found" itself
    if row.exercise_id is None:
        if current_user.role != "teacher":
            abort(403, "students change their own exercise work only")
        return
    exercise = row.exercise
    assert exercise is not None
    if row.author_id != int(current_user.id):
        if is_owner(exercise):
            abort(403, "a student's annotation is theirs to change; leave feedback instead")
        abort(404, f"no annotation has the id {public_id!r}")
    exercises.check_can_annotate(exercise, int(current_user.id), current_user.role)
