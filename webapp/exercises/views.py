"""Exercise pages: the teacher's list, form, dashboard, heatmap, results and feedback; the
reading page where the key and the students' work are tagged."""

from __future__ import annotations

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from annotations.classroom import exercises
from annotations.classroom.grading import heat_runs
from annotations.errors import ExerciseError
from annotations.storage import models
from annotations.storage import saving
from annotations.storage import tagsets
from webapp import suggestions
from webapp.articles.views import comparison_view
from webapp.articles.views import list_comparisons
from webapp.articles.views import reader_attributes
from webapp.articles.views import shown_documents
from webapp.auth import annotator_required
from webapp.auth import teacher_required
from webapp.db import get_session
from webapp.db import transaction
from webapp.exercises.access import get_exercise_or_404
from webapp.exercises.access import is_owner
from webapp.exercises.classwork import grade
from webapp.exercises.classwork import load_class_spans
from webapp.exercises.classwork import load_class_work
from webapp.exercises.classwork import review
from webapp.exercises.classwork import student_result
from webapp.exercises.forms import ExerciseEditForm
from webapp.exercises.forms import ExerciseForm
from webapp.exercises.forms import FeedbackForm
from webapp.exercises.forms import LetInForm
from webapp.exercises.forms import StateForm
from webapp.exercises.heatmap import heat_blocks

bp = Blueprint("exercises", __name__)

STATE_LABELS = {
    "draft": "Draft",
    "open": "Open",
    "closed": "Closed",
    "revealed": "Key revealed",
}
STATE_ACTIONS = {
    "open": "Open it for students",
    "closed": "Close it (no more edits)",
    "revealed": "Reveal the key and feedback",
}


@bp.app_context_processor
def exercise_labels() -> dict[str, object]:
    """Give every template the state names."""
    return {"exercise_state_labels": STATE_LABELS}


def show_error(form: FlaskForm, error: ExerciseError) -> None:
    """Put a core error's message on the form field it names (or on the form)."""
    field = form._fields.get(error.field) if error.field else None
    text = error.problem[:1].upper() + error.problem[1:] + "." if error.field else str(error)
    if field is None:
        form.form_errors.append(text)
    else:
        field.errors = [*field.errors, text]


def _choices(session: Session, form: ExerciseForm) -> None:
    form.comparison.choices = [
        (item.comparison.id, item.comparison.title)
        for item in list_comparisons(session)
        if len(item.documents) >= 2
    ]
    form.tag_set.choices = [(row.key, row.name) for row in tagsets.list_tag_sets(session)]


@bp.get("/exercises")
@annotator_required
def index() -> ResponseReturnValue:
    """List the teacher's exercises (a student goes to their own exercise)."""
    session = get_session()
    if current_user.is_authenticated and current_user.role == "student":
        member = exercises.membership(session, int(current_user.id))
        if member is None:
            abort(404)
        return redirect(url_for("exercises.work", exercise_id=member.exercise_id))
    if not current_user.is_authenticated:
        abort(404)
    rows = exercises.list_teacher_exercises(session, int(current_user.id))
    counts = exercises.count_members(session, [row.id for row in rows])
    return render_template("exercises/index.html", exercises=rows, counts=counts)


@bp.route("/exercises/new", methods=["GET", "POST"])
@teacher_required
def new() -> ResponseReturnValue:
    """Make an exercise: a comparison, a tag set and instructions; save as draft or open it."""
    session = get_session()
    form = ExerciseForm()
    _choices(session, form)
    if request.method == "GET":
        picked = request.args.get("comparison", type=int)
        if picked is not None:
            form.comparison.data = picked
        form.tag_set.data = request.args.get("tagset", "media-literacy")
    if form.validate_on_submit():
        try:
            with transaction():
                exercise = exercises.create_exercise(
                    session,
                    teacher_id=int(current_user.id),
                    comparison_id=form.comparison.data,
                    tag_set_key=form.tag_set.data,
                    title=form.title.data,
                    instructions=form.instructions.data or "",
                    hints=bool(form.hints.data),
                )
                if form.save_open.data:
                    exercises.set_state(session, exercise, "open")
        except ExerciseError as error:
            show_error(form, error)
        else:
            verb = "opened" if exercise.state == "open" else "saved as a draft"
            flash(
                f"Exercise \u201c{exercise.title}\u201d {verb}. Join code: {exercise.join_code}.",
                "success",
            )
            return redirect(url_for("exercises.dashboard", exercise_id=exercise.id))
    if not form.comparison.choices:
        flash("Create a comparison first: an exercise gives one to the class.", "info")
    status = 422 if form.is_submitted() else 200
    return render_template("exercises/new.html", form=form), status


@bp.get("/exercises/<int:exercise_id>")
@teacher_required
def dashboard(exercise_id: int) -> str:
    """The teacher's view of an exercise: join code, state, live progress, links."""
    session = get_session()
    exercise = get_exercise_or_404(session, exercise_id, manage=True)
    progress = exercises.student_progress(session, exercise)
    key_count = len(
        exercises.exercise_annotations(session, exercise, author_id=exercise.teacher_id)
    )
    return render_template(
        "exercises/dashboard.html",
        exercise=exercise,
        progress=progress,
        key_count=key_count,
        state_form=StateForm(),
        next_states=exercises.TRANSITIONS[exercise.state],
        state_actions=STATE_ACTIONS,
        join_url=url_for("exercises.join", code=exercise.join_code, _external=True),
    )


@bp.route("/exercises/<int:exercise_id>/edit", methods=["GET", "POST"])
@teacher_required
def edit(exercise_id: int) -> ResponseReturnValue:
    """Change an exercise's title and instructions."""
    session = get_session()
    exercise = get_exercise_or_404(session, exercise_id, manage=True)
    form = ExerciseEditForm(obj=exercise)
    if form.validate_on_submit():
        try:
            with transaction():
                exercises.update_exercise(
                    session,
                    exercise,
                    title=form.title.data,
                    instructions=form.instructions.data or "",
                    hints=bool(form.hints.data),
                )
        except ExerciseError as error:
            show_error(form, error)
        else:
            flash("Saved the exercise.", "success")
            return redirect(url_for("exercises.dashboard", exercise_id=exercise.id))
    status = 422 if form.is_submitted() else 200
    return render_template("exercises/edit.html", form=form, exercise=exercise), status


@bp.post("/exercises/<int:exercise_id>/state/<state>")
@teacher_required
def change_state(exercise_id: int, state: str) -> Response:
    """Open, close or reveal an exercise."""
    session = get_session()
    exercise = get_exercise_or_404(session, exercise_id, manage=True)
    if not StateForm().validate_on_submit():
        flash("The form had expired; please try again.", "error")
    elif state not in models.EXERCISE_STATES:
        abort(404)
    else:
        try:
            with transaction():
                exercises.set_state(session, exercise, state)  # type: ignore[arg-type]
        except ExerciseError as error:
            flash((error.problem if error.field else "").capitalize() + ".", "error")
        else:
            flash(f"The exercise is now: {STATE_LABELS[exercise.state].lower()}.", "success")
    return redirect(url_for("exercises.dashboard", exercise_id=exercise.id))


@bp.get("/exercises/<int:exercise_id>/work")
@annotator_required
def work(exercise_id: int) -> ResponseReturnValue:
    """The reading page of an exercise: the teacher tags the key, a student their own copy."""
    session = get_session()
    exercise = get_exercise_or_404(session, exercise_id)
    owner = is_owner(exercise)
    if owner:
        read_only = False
    else:
        read_only = exercise.state != "open"
    comparison = exercise.comparison
    view = comparison_view(session, comparison, exercise.doc_a, exercise.doc_b)
    shown = (exercise.doc_a, exercise.doc_b)
    reader = reader_attributes(comparison.id, exercise.tag_set.key, shown)
    reader["data-exercise-id"] = str(exercise.id)
    reader["data-annotations-url"] = url_for(
        "api.exercises_api.annotations", exercise_id=exercise.id, documents=shown_documents(shown)
    )
    if read_only:
        reader["data-read-only"] = "true"
    elif owner or exercise.hints:
        # The teacher may start the key from suggestions; students when hints are on.
        reader |= suggestions.reader_attributes(comparison.id)
    return render_template(
        "exercises/work.html",
        comparison=view,
        exercise=exercise,
        owner=owner,
        read_only=read_only,
        reader=reader,
    )


@bp.get("/exercises/<int:exercise_id>/heatmap")
@teacher_required
def heatmap(exercise_id: int) -> str:
    """The two articles shaded by how many students tagged each part (all tags or one)."""
    session = get_session()
    exercise = get_exercise_or_404(session, exercise_id, manage=True)
    tag_key = request.args.get("tag") or None
    tags = {tag.key: tag for tag in exercise.tag_set.tags}
    if tag_key is not None and tag_key not in tags:
        abort(404)
    class_work = load_class_spans(session, exercise)
    students = len(class_work.works)
    columns = []
    for side, row in (("a", exercise.doc_a), ("b", exercise.doc_b)):
        runs = heat_runs(row.id, class_work.works, tag=tag_key)
        columns.append(
            {
                "side": side,
                "document": row,
                "blocks": heat_blocks(row, runs, students, tags),
            }
        )
    used = sorted(
        {item.tag for work in class_work.works for item in work.items},
        key=lambda key: tags[key].position if key in tags else 0,
    )
    return render_template(
        "exercises/heatmap.html",
        exercise=exercise,
        columns=columns,
        students=students,
        tags=tags,
        used=used,
        tag_key=tag_key,
    )


@bp.get("/exercises/<int:exercise_id>/results")
@teacher_required
def results(exercise_id: int) -> str:
    """Every student against the key (precision, recall, F1), per tag, and agreement."""
    session = get_session()
    exercise = get_exercise_or_404(session, exercise_id, manage=True)
    class_work = load_class_spans(session, exercise)
    tags = {tag.key: tag for tag in exercise.tag_set.tags}
    return render_template(
        "exercises/results.html",
        exercise=exercise,
        results=grade(exercise, class_work),
        tags=tags,
        key_count=len({item.item_id for item in class_work.key}),
    )


@bp.get("/exercises/<int:exercise_id>/students/<int:user_id>")
@teacher_required
def student(exercise_id: int, user_id: int) -> str:
    """One student's work against the key, with a feedback box on each of their annotations."""
    session = get_session()
    exercise = get_exercise_or_404(session, exercise_id, manage=True)
    class_work = load_class_work(session, exercise, only_user=user_id)
    mine = student_result(class_work, user_id)
    if mine is None:
        abort(404)
    rows = class_work.student_rows[user_id]
    feedback = exercises.feedback_for(session, [row.id for row in rows])
    forms = {}
    for row in rows:
        form = FeedbackForm(prefix=f"fb-{row.public_id}")
        form.body.data = feedback[row.id].body if row.id in feedback else ""
        forms[row.public_id] = form
    return render_template(
        "exercises/student.html",
        exercise=exercise,
        result=mine,
        review=review(mine, class_work),
        rows=rows,
        feedback=feedback,
        forms=forms,
        tags={tag.key: tag for tag in exercise.tag_set.tags},
        let_in_form=LetInForm(),
    )


@bp.post("/exercises/<int:exercise_id>/feedback/<public_id>")
@teacher_required
def save_feedback(exercise_id: int, public_id: str) -> Response:
    """Save (or clear) the teacher's private feedback on one student annotation."""
    session = get_session()
    exercise = get_exercise_or_404(session, exercise_id, manage=True)
    row = saving.find_annotation(session, public_id)
    if (
        row is None
        or row.exercise_id != exercise.id
        or row.author_id == exercise.teacher_id
        or row.deleted_at is not None
    ):
        abort(404)
    form = FeedbackForm(prefix=f"fb-{public_id}")
    target = url_for("exercises.student", exercise_id=exercise.id, user_id=row.author_id)
    if not form.validate_on_submit():
        problems = [error for errors in form.errors.values() for error in errors]
        flash("Feedback not saved: " + " ".join(str(p) for p in problems), "error")
        return redirect(target)
    try:
        with transaction():
            saved = exercises.set_feedback(
                session, row, teacher_id=int(current_user.id), body=form.body.data or ""
            )
    except ExerciseError as error:
        flash(f"Feedback not saved: {error}", "error")
    else:
        flash("Feedback saved." if saved is not None else "Feedback removed.", "success")
    return redirect(f"{target}#ann-{public_id}")
