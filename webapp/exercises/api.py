"""JSON for the exercise pages, nested in the API blueprint (``/api/exercises/...``).

Errors come back in the API's JSON shape: the parent blueprint's handlers apply.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import abort
from flask import request
from flask_login import current_user
from werkzeug.wrappers import Response

from annotations.classroom import exercises
from annotations.storage import presenter
from webapp import lists
from webapp.auth import annotator_required
from webapp.auth import teacher_required
from webapp.db import get_session
from webapp.exercises.access import get_exercise_or_404
from webapp.exercises.access import is_owner

bp = Blueprint("exercises_api", __name__, url_prefix="/exercises")


@bp.get("/<int:exercise_id>/annotations")
@annotator_required
def annotations(exercise_id: int) -> Response:
    """List the caller's own work in the exercise; ``?of=key``: the key, once revealed.

    The compact list of README's "The annotation list"; 304 when the caller's copy is current.
    """
    session = get_session()
    exercise = get_exercise_or_404(session, exercise_id)
    if not current_user.is_authenticated:
        abort(404, f"no exercise has the id {exercise_id}")
    viewer = int(current_user.id)
    author_id = viewer
    if request.args.get("of") == "key":
        if not is_owner(exercise) and exercise.state != "revealed":
            abort(403, "the key is shown once the teacher reveals it")
        author_id = exercise.teacher_id
    return lists.list_response(
        session,
        head={
            "exercise_id": exercise.id,
            "comparison_id": exercise.comparison_id,
            "state": exercise.state,
        },
        # The state is part of the answer; the viewer keeps one person's copy from another's.
        scope=f"exercise {exercise.id} in state {exercise.state}, by {author_id}, to {viewer}",
        filters={"exercise_id": exercise.id, "author_id": author_id},
        cut_from=lists.cut_documents(session, exercise.comparison_id),
    )


@bp.get("/<int:exercise_id>/progress")
@teacher_required
def progress(exercise_id: int) -> dict[str, Any]:
    """Each student's progress, for the teacher's dashboard to refresh without a reload."""
    session = get_session()
    exercise = get_exercise_or_404(session, exercise_id, manage=True)
    rows = exercises.student_progress(session, exercise)
    return {
        "exercise_id": exercise.id,
        "state": exercise.state,
        "students": [
            {
                "id": row.user_id,
                "name": row.name,
                "joined": presenter.isoformat_utc(row.joined_at),
                "annotations": row.annotations,
                "tags": [{"name": name, "count": count} for name, count in row.tags],
                "last_activity": presenter.isoformat_utc(row.last_activity),
            }
            for row in rows
        ],
    }
