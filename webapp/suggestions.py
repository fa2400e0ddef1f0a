"""JSON for framing suggestions, nested in the API blueprint (``/api/...``).

``POST /api/comparisons/<id>/suggestions`` finds and stores suggestions for the signed-in
user on two documents with a tag set (the rule suggester's and those learned from the
user's own tags) and returns the pending ones; ``GET`` returns the pending ones only.
``POST /api/annotations/<public_id>/review`` sets one suggestion's status (``accepted``,
``rejected``, or ``suggested`` again to undo), ``POST /api/comparisons/<id>/suggestions/review``
sets several at once ("accept all of this tag" and its undo), all or none.

Who may ask: a teacher on a comparison, and in an exercise its teacher (building the key)
and, when the teacher turned hints on, its students while it is open. Errors come back in
the API's JSON shape (the parent blueprint's handlers apply).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import request
from flask import url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from annotations.errors import StaleVersionError
from annotations.framing.suggest import suggest
from annotations.framing.taxonomy import TagSet
from annotations.records import Alignment
from annotations.records import Document
from annotations.records import Suggestion
from annotations.storage import models
from annotations.storage import presenter
from annotations.storage import saving
from annotations.storage import suggestions
from annotations.storage import tagsets
from webapp.auth import annotator_required
from webapp.db import get_session
from webapp.db import transaction
from webapp.exercises.access import check_may_change
from webapp.exercises.access import get_exercise_or_404
from webapp.exercises.access import is_owner

bp = Blueprint("suggestions_api", __name__)

_MAX_BATCH = 1000


class SuggestionRequestError(Exception):
    """A suggestion request the API cannot read; answered 400 naming the field."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@bp.errorhandler(SuggestionRequestError)
def handle_request_error(exc: SuggestionRequestError) -> tuple[Any, int]:
    """Answer a malformed suggestion request with 400."""
    return {"error": "bad_request", "message": str(exc), "field": exc.field}, 400


def rule_suggester() -> suggestions.RuleSuggester | None:
    """Return the rule-based suggester (a function, so a configuration can leave it out)."""

    def rules(
        documents: Sequence[Document], tag_set: TagSet, alignment: Alignment | None
    ) -> list[Suggestion]:
        return list(suggest(documents, tag_set, alignment=alignment))

    return rules


def reader_attributes(comparison_id: int) -> dict[str, str]:
    """Return the ``data-*`` attributes that turn on "Suggest" on a reading page."""
    return {
        "data-suggestions-url": url_for(
            "api.suggestions_api.list_pending", comparison_id=comparison_id
        ),
        "data-review-url-template": url_for("api.suggestions_api.review", public_id="__ID__"),
        "data-review-many-url": url_for(
            "api.suggestions_api.review_many", comparison_id=comparison_id
        ),
    }


def may_suggest_outside_exercises() -> bool:
    """Return True when the signed-in user may ask for suggestions on a comparison."""
    if current_app.config.get("LOGIN_DISABLED"):
        return True
    return bool(current_user.is_authenticated and current_user.role == "teacher")


def suggestion_to_dict(row: models.Annotation) -> dict[str, Any]:
    """Return a suggestion as the annotation JSON plus its reason, score and source."""
    return {
        **presenter.annotation_to_dict(row),
        "reason": row.suggestion_reason,
        "score": row.suggestion_score,
        "source": row.suggestion_source,
    }


def _user_id() -> int:
    if current_user.is_authenticated:
        return int(current_user.id)
    # Sign-in off: suggestions go to the configured default author, as saves do. Imported
    # here: webapp.api imports this module to nest its blueprint.
    from webapp.api import _author

    return int(_author().id)


def _check_may_suggest(session: Session, exercise: models.Exercise | None) -> None:
    if current_app.config.get("LOGIN_DISABLED"):
        return
    if exercise is None:
        if current_user.role != "teacher":
            abort(403, "only teachers ask for suggestions outside an exercise")
        return
    if is_owner(exercise):
        return
    # get_exercise_or_404 let only the teacher and the exercise's students this far.
    if not exercise.hints:
        abort(403, "hints are off for this exercise")
    if exercise.state != "open":
        abort(403, f"this exercise is {exercise.state}")


def _scope(session: Session, comparison_id: int, data: dict[str, Any]) -> suggestions.Scope:
    comparison = session.get(models.Comparison, comparison_id)
    if comparison is None:
        abort(404, f"no comparison has the id {comparison_id}")
    exercise_id = data.get("exercise_id")
    if exercise_id is not None and (
        isinstance(exercise_id, bool) or not isinstance(exercise_id, int)
    ):
        raise SuggestionRequestError("exercise_id: expected an integer or null", "exercise_id")
    exercise = get_exercise_or_404(session, exercise_id) if exercise_id is not None else None
    if exercise is not None and exercise.comparison_id != comparison_id:
        abort(404, f"no exercise has the id {exercise_id}")
    _check_may_suggest(session, exercise)
    members = [member.document_id for member in comparison.members]
    if exercise is not None:
        documents: Any = [exercise.doc_a_id, exercise.doc_b_id]
    else:
        documents = data.get("documents", members[:2])
    if (
        not isinstance(documents, list)
        or not 1 <= len(documents) <= 2
        or not all(isinstance(d, int) and not isinstance(d, bool) for d in documents)
        or len(set(documents)) != len(documents)
    ):
        raise SuggestionRequestError("documents: expected one or two document ids", "documents")
    if any(document_id not in members for document_id in documents):
        abort(404, "a document is not in this comparison")
    key = data.get("tag_set")
    if exercise is not None:
        tag_set_id = exercise.tag_set_id
    else:
        if not isinstance(key, str):
            raise SuggestionRequestError("tag_set: expected a tag set key", "tag_set")
        row = tagsets.get_tag_set(session, key)
        if row is None:
            abort(404, f"no tag set has the key {key!r}")
        tag_set_id = row.id
    return suggestions.Scope(
        comparison_id=comparison_id,
        document_ids=tuple(documents),
        tag_set_id=tag_set_id,
        user_id=_user_id(),
        exercise_id=exercise.id if exercise is not None else None,
    )


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True) if request.is_json else None
    if not isinstance(data, dict):
        raise SuggestionRequestError(
            "the request body must be a JSON object (Content-Type: application/json)", "body"
        )
    return data


def _query_arguments() -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, target in (("tag_set", "tag_set"), ("exercise", "exercise_id")):
        if name in request.args:
            data[target] = request.args[name]
    if "exercise_id" in data:
        if not data["exercise_id"].isdigit() or len(data["exercise_id"]) > 9:
            raise SuggestionRequestError("exercise: expected a whole number", "exercise")
        data["exercise_id"] = int(data["exercise_id"])
    documents = request.args.getlist("document")
    if documents:
        if not all(d.isdigit() and len(d) <= 9 for d in documents):
            raise SuggestionRequestError("document: expected whole numbers", "document")
        data["documents"] = [int(d) for d in documents]
    return data


@bp.get("/comparisons/<int:comparison_id>/suggestions")
@annotator_required
def list_pending(comparison_id: int) -> dict[str, Any]:
    """Return the user's pending suggestions (``?tag_set=&document=&document=&exercise=``)."""
    session = get_session()
    scope = _scope(session, comparison_id, _query_arguments())
    rows = suggestions.list_suggestions(session, scope)
    return {"suggestions": [suggestion_to_dict(row) for row in rows]}


@bp.post("/comparisons/<int:comparison_id>/suggestions")
@annotator_required
def propose(comparison_id: int) -> dict[str, Any]:
    """Find and store suggestions; return every pending one (asking again is harmless)."""
    session = get_session()
    scope = _scope(session, comparison_id, _body())
    try:
        with transaction():
            suggestions.propose_suggestions(session, scope, rules=rule_suggester())
    except IntegrityError:
        # A request at the same moment stored the same suggestions (their ids are made
        # from their place): list what it stored.
        pass
    rows = suggestions.list_suggestions(session, scope)
    return {"suggestions": [suggestion_to_dict(row) for row in rows]}


def _check_may_review(session: Session, public_id: str) -> None:
    check_may_change(session, public_id)
    if current_app.config.get("LOGIN_DISABLED"):
        return
    row = saving.find_annotation(session, public_id)
    if row is not None and row.exercise is not None and not is_owner(row.exercise):
        if not row.exercise.hints:
            abort(403, "hints are off for this exercise")


def _status(data: dict[str, Any]) -> str:
    status = data.get("status")
    if not isinstance(status, str):
        raise SuggestionRequestError("status: expected accepted, rejected or suggested", "status")
    return status


def _review(public_id: str, status: str, version: int | None) -> models.Annotation:
    session = get_session()
    try:
        with transaction():
            _check_may_review(session, public_id)
            return suggestions.review_suggestion(session, public_id, status, version=version)
    except StaleVersionError as exc:
        from webapp.api import StaleEdit

        raise StaleEdit(str(exc), public_id) from exc
    except StaleDataError as exc:
        # Another request changed it between this one's read and write: fine when it set
        # the same status (a double click), a conflict otherwise.
        row = saving.find_annotation(session, public_id)
        if row is not None and row.status == status:
            return row
        from webapp.api import StaleEdit

        raise StaleEdit(
            "the suggestion was reviewed elsewhere at the same moment", public_id
        ) from exc


@bp.post("/annotations/<public_id>/review")
@annotator_required
def review(public_id: str) -> dict[str, Any]:
    """Accept, reject, or return to pending one suggestion (``{"status", "version"?}``)."""
    data = _body()
    version = data.get("version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        raise SuggestionRequestError("version: expected an integer", "version")
    row = _review(public_id, _status(data), version)
    return suggestion_to_dict(row)


@bp.post("/comparisons/<int:comparison_id>/suggestions/review")
@annotator_required
def review_many(comparison_id: int) -> dict[str, Any]:
    """Set the status of several suggestions at once (``{"public_ids": [...], "status"}``)."""
    data = _body()
    status = _status(data)
    public_ids = data.get("public_ids")
    if (
        not isinstance(public_ids, list)
        or not all(isinstance(p, str) for p in public_ids)
        or len(public_ids) > _MAX_BATCH
    ):
        raise SuggestionRequestError(
            f"public_ids: expected a list of at most {_MAX_BATCH} ids", "public_ids"
        )
    session = get_session()
    try:
        with transaction():
            rows = []
            for public_id in dict.fromkeys(public_ids):
                _check_may_review(session, public_id)
                row = suggestions.review_suggestion(session, public_id, status)
                if row.comparison_id != comparison_id:
                    abort(404, f"no suggestion has the id {public_id!r} in this comparison")
                rows.append(row)
    except StaleDataError:
        from webapp.api import StaleEdit

        raise StaleEdit(
            "a suggestion was reviewed elsewhere at the same moment; nothing was changed",
            public_ids[0],
        ) from None
    return {"annotations": [suggestion_to_dict(row) for row in rows]}
