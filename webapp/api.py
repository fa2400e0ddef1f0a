"""JSON API for the annotation screen: tag sets and annotations under ``/api``.

Errors come back as ``{"error": ..., "message": ...}`` (plus ``"field"`` when one field is at
fault) with honest status codes: 400 malformed request, 404 missing, 409 an annotation id
already saved with other content, 422 rejected by the core (bad span, unknown tag, ...).
State-changing requests need the CSRF token in an ``X-CSRFToken`` header and a signed-in
teacher (401 otherwise).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any
from typing import cast

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import g
from flask import request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from annotations.errors import AnnotationError
from annotations.errors import StaleVersionError
from annotations.storage import accounts
from annotations.storage import checks
from annotations.storage import models
from annotations.storage import presenter
from annotations.storage import saving
from annotations.storage import tagsets
from webapp import lists
from webapp.auth import annotator_required
from webapp.auth.access import F
from webapp.auth.access import SignedInUser
from webapp.db import get_engine
from webapp.db import get_session
from webapp.db import transaction
from webapp.db import use_autocommit
from webapp.exercises import api_bp as exercises_api_bp
from webapp.exercises.access import check_may_change
from webapp.exercises.access import check_may_create
from webapp.suggestions import bp as suggestions_bp

bp = Blueprint("api", __name__, url_prefix="/api")
# /api/exercises/...: nested, so this blueprint's JSON error handlers answer for it too.
bp.register_blueprint(exercises_api_bp)
# /api/.../suggestions and /api/annotations/<id>/review, under the same error handlers.
bp.register_blueprint(suggestions_bp)

# JSON types each field of a new annotation accepts; None marks a field that may be null.
_INPUT_FIELDS: dict[str, tuple[type, ...]] = {
    "public_id": (str,),
    "document_id": (int,),
    "start": (int,),
    "end": (int,),
    "quote": (str,),
    "tag_keys": (list,),
    "tag_set_key": (str,),
    "note": (str,),
    "comparison_id": (int, type(None)),
    "exercise_id": (int, type(None)),
    "relation": (str, type(None)),
    "link_document_id": (int, type(None)),
    "link_start": (int, type(None)),
    "link_end": (int, type(None)),
    "link_quote": (str, type(None)),
}
_REQUIRED = ("public_id", "start", "end", "quote", "tag_keys", "tag_set_key")
_JSON_NAMES = {int: "an integer", str: "text", list: "a list", type(None): "null"}


class BadRequest(Exception):
    """A request body the API cannot read; ``field`` names the part at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _error(error: str, message: str, status: int, field: str | None = None) -> tuple[Any, int]:
    body: dict[str, Any] = {"error": error, "message": message}
    if field is not None:
        body["field"] = field
    return body, status


@bp.errorhandler(HTTPException)
def handle_http_error(exc: HTTPException) -> tuple[Any, int]:
    """Answer any HTTP error under /api with JSON."""
    status = exc.code or 500
    name = (exc.name or "error").lower().replace(" ", "_")
    return _error(name, exc.description or name, status)


@bp.app_errorhandler(405)
def handle_method_not_allowed(exc: HTTPException) -> Any:
    """Answer a wrong method under /api with JSON (routing failed, so no blueprint is known)."""
    if request.path.startswith(f"{bp.url_prefix}/"):
        return handle_http_error(exc)
    return exc


@bp.errorhandler(CSRFError)
def handle_csrf_error(exc: CSRFError) -> tuple[Any, int]:
    """Answer a missing or stale CSRF token with 400 and its own code: a reload gives a new one."""
    return _error("csrf_failed", exc.description or "The CSRF token is missing.", 400)


@bp.errorhandler(BadRequest)
def handle_bad_request(exc: BadRequest) -> tuple[Any, int]:
    """Answer a malformed request body with 400."""
    return _error("bad_request", str(exc), 400, exc.field)


@bp.errorhandler(AnnotationError)
def handle_core_error(exc: AnnotationError) -> tuple[Any, int]:
    """Answer an error of the core with the status and code its class names."""
    get_session().rollback()
    return _error(exc.code, str(exc), exc.status, exc.field)


def _json_object() -> dict[str, Any]:
    # A body that is JSON but unusable (too deep, a NUL, a huge number) is a 400 that says so.
    data = request.get_json() if request.is_json else None
    if not isinstance(data, dict):
        raise BadRequest("the request body must be a JSON object (Content-Type: application/json)")
    return data


def _check_type(data: dict[str, Any], name: str, accepted: tuple[type, ...]) -> None:
    value = data[name]
    # JSON true/false arrive as bool, which Python counts as int.
    if isinstance(value, bool) or not isinstance(value, accepted):
        wanted = " or ".join(_JSON_NAMES[kind] for kind in accepted)
        raise BadRequest(f"{name}: expected {wanted}, got {type(value).__name__}", name)
    if isinstance(value, list) and not all(isinstance(item, str) for item in value):
        raise BadRequest(f"{name}: expected a list of tag keys (text)", name)


def parse_annotation_input(data: dict[str, Any], document_id: int) -> checks.AnnotationInput:
    """Return the annotation a POST body describes, or raise BadRequest naming the field."""
    for name in data:
        if name not in _INPUT_FIELDS:
            raise BadRequest(f"{name}: unknown field", name)
    for name in _REQUIRED:
        if name not in data:
            raise BadRequest(f"{name}: required", name)
    for name, accepted in _INPUT_FIELDS.items():
        if name in data:
            _check_type(data, name, accepted)
    if data.get("document_id", document_id) != document_id:
        raise BadRequest("document_id: differs from the document in the URL", "document_id")
    fields = {name: value for name, value in data.items() if name != "tag_keys"}
    fields["document_id"] = document_id
    return checks.AnnotationInput(tag_keys=tuple(data["tag_keys"]), **fields)


def _author() -> SignedInUser | models.User:
    if current_user.is_authenticated:
        # The user loader read this user from the database for this request.
        return cast(SignedInUser, current_user._get_current_object())
    # With sign-in turned off (LOGIN_DISABLED), annotations go to one configured user.
    name = current_app.config["DEFAULT_AUTHOR"]
    return accounts.get_or_add_user(session=get_session(), name=name, role="teacher")


def _tag_set_summary(row: models.TagSet) -> dict[str, Any]:
    return {
        "key": row.key,
        "name": row.name,
        "description": row.description,
        "version": row.version,
        "source": row.source,
        "builtin": row.is_builtin,
        "tag_count": len(row.tags),
    }


@bp.get("/tag-sets")
def list_tag_sets() -> dict[str, Any]:
    """List the stored tag sets."""
    rows = tagsets.list_tag_sets(get_session())
    return {"tag_sets": [_tag_set_summary(row) for row in rows]}


@bp.get("/tag-sets/<key>")
def show_tag_set(key: str) -> dict[str, Any]:
    """Return one tag set with its tags."""
    row = tagsets.get_tag_set(get_session(), key)
    if row is None:
        abort(404, f"no tag set has the key {key!r}")
    return {
        **_tag_set_summary(row),
        "tags": [
            {
                "key": tag.key,
                "name": tag.name,
                "description": tag.description,
                "colour": tag.colour,
                "shortcut": tag.shortcut,
                "group": tag.group_name,
            }
            for tag in row.tags
        ],
    }


@bp.get("/comparisons/<int:comparison_id>/annotations")
def list_comparison_annotations(comparison_id: int) -> Response:
    """List a comparison's annotations (not the deleted ones) by document and start.

    The compact list of README's "The annotation list"; 304 when the client's copy is current.
    It never includes exercise work, so it is the same for everyone who may read the page.
    """
    session = get_session()
    if session.get(models.Comparison, comparison_id) is None:
        abort(404, f"no comparison has the id {comparison_id}")
    return lists.list_response(
        session,
        head={"comparison_id": comparison_id},
        scope=f"comparison {comparison_id}, outside exercises, anyone",
        filters={"comparison_id": comparison_id, "outside_exercises": True},
        cut_from=lists.cut_documents(session, comparison_id),
    )


def _one_statement_save(view: F) -> F:
    """Run a save without BEGIN and COMMIT where a new annotation is one statement.

    That is PostgreSQL, and it saves two round trips a save. Not with sign-in off, when a save
    may add the default author too. It sits above ``annotator_required``, so it comes before
    the user loader's query; a replay's fallback, after a rollback, runs in a transaction.
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        one_statement = get_engine().dialect.name in saving.ONE_STATEMENT_SAVE_DIALECTS
        if one_statement and not current_app.config.get("LOGIN_DISABLED"):
            use_autocommit()
        return view(*args, **kwargs)

    return cast(F, wrapper)


@bp.post("/documents/<int:document_id>/annotations")
@_one_statement_save
@annotator_required
def create_annotation(document_id: int) -> tuple[dict[str, Any], int]:
    """Save an annotation of a document: 201 when new, 200 when the same one came again."""
    session = get_session()
    data = parse_annotation_input(_json_object(), document_id)
    # Held for the rest of the request, so that the exercise (checked here and again by
    # the store) does not load twice.
    g.exercise = check_may_create(session, data.exercise_id)
    author = _author()
    try:
        # A document that does not exist raises DocumentNotFoundError: a 404.
        answer = saving.add_new_annotation(session, data, author=author)
        # The documented exception to transaction(): in autocommit the insert is stored
        # already, and this commit only hands the connection back (see db.use_autocommit).
        session.commit()
    except IntegrityError:
        # The id is stored already (sent again, or saved at the same moment by a second
        # request): look at the stored annotation to answer as a replay or a conflict.
        session.rollback()
        # Again: with sign-in off, the rollback took back a default author added above.
        author = _author()
        # Stored here only if the other request's row went away again (it rolled back).
        with transaction():
            row, created = saving.add_annotation(session, data, author_id=author.id)
        return presenter.annotation_to_dict(row), 201 if created else 200
    return answer, 201


@bp.patch("/annotations/<public_id>")
@annotator_required
def edit_annotation(public_id: str) -> dict[str, Any]:
    """Change an annotation's tags or note."""
    data = _json_object()
    accepted = {"tags": (list,), "tag_keys": (list,), "note": (str,), "version": (int,)}
    for name in data:
        if name not in accepted:
            raise BadRequest(f"{name}: unknown field (give tags and/or note)", name)
        _check_type(data, name, accepted[name])
    if "tags" in data and "tag_keys" in data:
        raise BadRequest("tags: give tags or tag_keys, not both", "tags")
    tag_keys = data.get("tags", data.get("tag_keys"))
    with _versioned(public_id), transaction() as session:
        check_may_change(session, public_id)
        row = saving.update_annotation(
            session,
            public_id,
            tag_keys=tag_keys,
            note=data.get("note"),
            version=data.get("version"),
        )
    return presenter.annotation_to_dict(row)


class StaleEdit(Exception):
    """An edit or delete of an older version: answered 409 with the stored annotation."""

    def __init__(self, message: str, public_id: str) -> None:
        super().__init__(message)
        self.public_id = public_id


@contextlib.contextmanager
def _versioned(public_id: str) -> Iterator[None]:
    try:
        yield
    except StaleVersionError as exc:
        raise StaleEdit(str(exc), public_id) from exc
    except StaleDataError as exc:
        # Another request changed the row between this one's read and its write.
        raise StaleEdit(
            "the annotation was changed elsewhere at the same moment", public_id
        ) from exc


@bp.errorhandler(StaleEdit)
def handle_stale_edit(exc: StaleEdit) -> tuple[Any, int]:
    """Answer a stale edit with 409 and the annotation as stored, so the editor can show both."""
    session = get_session()
    session.rollback()
    row = saving.find_annotation(session, exc.public_id)
    body, status = _error("stale_version", str(exc), 409, "version")
    body["annotation"] = presenter.annotation_to_dict(row) if row is not None else None
    return body, status


def _version_argument() -> int | None:
    text = request.args.get("version")
    if text is None:
        return None
    if not text.isdigit() or len(text) > 9:
        raise BadRequest("version: expected a whole number", "version")
    return int(text)


@bp.delete("/annotations/<public_id>")
@annotator_required
def delete_annotation(public_id: str) -> dict[str, Any]:
    """Delete an annotation so that it can still be restored (``?version=`` it started from)."""
    version = _version_argument()
    with _versioned(public_id), transaction() as session:
        check_may_change(session, public_id)
        row = saving.delete_annotation(session, public_id, version=version)
    return presenter.annotation_to_dict(row)


@bp.post("/annotations/<public_id>/restore")
@annotator_required
def restore_annotation(public_id: str) -> dict[str, Any]:
    """Restore a deleted annotation."""
    with transaction() as session:
        check_may_change(session, public_id)
        row = saving.restore_annotation(session, public_id)
    return presenter.annotation_to_dict(row)
