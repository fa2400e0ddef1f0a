"""Student pages: join an exercise with its code, and see one's work against the key."""

from __future__ import annotations

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from annotations.classroom import exercises
from annotations.errors import AccountError
from annotations.errors import JoinError
from annotations.storage import accounts
from webapp.auth import annotator_required
from webapp.auth import teacher_required
from webapp.auth.access import join_account
from webapp.auth.access import let_in
from webapp.auth.access import sign_in_limits
from webapp.auth.access import start_session
from webapp.db import get_session
from webapp.db import transaction
from webapp.exercises.access import get_exercise_or_404
from webapp.exercises.access import is_owner
from webapp.exercises.classwork import load_class_work
from webapp.exercises.classwork import review
from webapp.exercises.classwork import student_result
from webapp.exercises.forms import JoinForm
from webapp.exercises.forms import LetInForm
from webapp.exercises.views import bp
from webapp.exercises.views import show_error


@bp.route("/join", methods=["GET", "POST"])
@bp.route("/join/<code>", methods=["GET", "POST"])
# The account is the name in one exercise: its code and the name.
@sign_in_limits(lambda: join_account(request.form.get("code", ""), request.form.get("name", "")))
def join(code: str | None = None) -> ResponseReturnValue:
    """Join an exercise with its code, a display name and a password (or come back to it)."""
    form = JoinForm()
    if code and not form.is_submitted():
        form.code.data = exercises.normalize_join_code(code)
    if form.validate_on_submit():
        session = get_session()
        try:
            with transaction():
                joined = exercises.join_exercise(
                    session, code=form.code.data, name=form.name.data, password=form.password.data
                )
        except JoinError as error:
            show_error(form, error)
        except IntegrityError:
            # Another student took the same name in the same moment.
            form.name.errors = [
                *form.name.errors,
                "This name was just taken in this exercise; choose another.",
            ]
        else:
            user = joined.user
            start_session(user.id, None, user.name, "student")
            if joined.created:
                flash(
                    f"Welcome, {user.name}: you have joined \u201c{joined.exercise.title}\u201d.",
                    "success",
                )
            else:
                flash(f"Welcome back, {user.name}.", "success")
            return redirect(url_for("exercises.work", exercise_id=joined.exercise.id))
    status = 422 if form.is_submitted() else 200
    return render_template("exercises/join.html", form=form), status


@bp.get("/exercises/<int:exercise_id>/feedback")
@annotator_required
def feedback(exercise_id: int) -> ResponseReturnValue:
    """A student's own tags against the key, with its explanations and the teacher's feedback."""
    session = get_session()
    exercise = get_exercise_or_404(session, exercise_id)
    if is_owner(exercise) or not current_user.is_authenticated:
        abort(404)
    if exercise.state != "revealed":
        flash("Your teacher has not revealed the key yet.", "info")
        return redirect(url_for("exercises.work", exercise_id=exercise.id))
    user_id = int(current_user.id)
    class_work = load_class_work(session, exercise, only_user=user_id)
    mine = student_result(class_work, user_id)
    if mine is None:
        abort(404)
    rows = class_work.student_rows[user_id]
    return render_template(
        "exercises/feedback.html",
        exercise=exercise,
        result=mine,
        review=review(mine, class_work),
        feedback=exercises.feedback_for(session, [row.id for row in rows]),
        tags={tag.key: tag for tag in exercise.tag_set.tags},
    )


@bp.post("/exercises/<int:exercise_id>/students/<int:user_id>/let-in")
@teacher_required
def let_student_in(exercise_id: int, user_id: int) -> Response:
    """Lift a student's failed-sign-in limit, and set a new password if the teacher gives one."""
    session = get_session()
    exercise = get_exercise_or_404(session, exercise_id, manage=True)
    member = exercises.membership(session, user_id)
    if member is None or member.exercise_id != exercise.id:
        abort(404)
    form = LetInForm()
    if not form.validate_on_submit():
        abort(400, "The form had expired; please try again.")
    name = member.user.name
    if form.password.data:
        try:
            with transaction():
                # A new password also ends every sign-in the student had.
                accounts.change_password(session, member.user, form.password.data)
        except AccountError as error:
            flash(f"The password was not changed: {error.problem}.", "error")
            return redirect(url_for("exercises.student", exercise_id=exercise_id, user_id=user_id))
        flash(f"{name} can sign in with the new password now.", "success")
    else:
        flash(f"{name} can try to sign in again now.", "success")
    let_in(join_account(exercise.join_code, name))
    return redirect(url_for("exercises.student", exercise_id=exercise_id, user_id=user_id))
