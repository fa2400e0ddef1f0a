"""Tag sets: list, show, copy, create and edit them; export and import them as JSON.

Built-in sets are read-only: people copy them and edit the copy. The built-in sets come
from ``annotations.framing.taxonomy`` and show here even before ``parallax seed`` stores them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from annotations.errors import InputError
from annotations.framing import editing
from annotations.framing import taxonomy
from annotations.framing.taxonomy import TaxonomyError
from annotations.storage import models
from annotations.storage import tagsets
from annotations.text.untrusted import load_json
from webapp.auth import teacher_required
from webapp.db import get_session
from webapp.db import transaction
from webapp.tagsets.forms import MAX_IMPORT_BYTES
from webapp.tagsets.forms import ButtonForm
from webapp.tagsets.forms import CopyForm
from webapp.tagsets.forms import ImportForm
from webapp.tagsets.forms import MoveForm
from webapp.tagsets.forms import TagForm
from webapp.tagsets.forms import TagSetForm

bp = Blueprint("tagsets", __name__, url_prefix="/tag-sets")

RESERVED_KEYS = frozenset({"new", "import"})
"""Keys that would hide a set behind a page of this blueprint (``/tag-sets/new``)."""


@dataclass(frozen=True, slots=True)
class TagSetEntry:
    """A tag set as the pages show it: its record and whether it is built in."""

    record: taxonomy.TagSet
    builtin: bool


# --- reading ---------------------------------------------------------------------------------


def list_entries(session: Session) -> list[TagSetEntry]:
    """Return every tag set: the built-in ones first (stored or not), then the others by name."""
    rows = {row.key: row for row in tagsets.list_tag_sets(session)}
    entries = []
    for builtin in taxonomy.builtin_tag_sets():
        row = rows.pop(builtin.key, None)
        entries.append(TagSetEntry(tagsets.tag_set_record(row) if row else builtin, True))
    entries.extend(
        TagSetEntry(tagsets.tag_set_record(row), row.is_builtin) for row in rows.values()
    )
    return entries


def get_tag_set_or_404(session: Session, key: str) -> TagSetEntry:
    """Return the tag set with this key, stored or built in, or answer 404."""
    row = tagsets.get_tag_set(session, key)
    if row is not None:
        return TagSetEntry(tagsets.tag_set_record(row), row.is_builtin)
    builtin = taxonomy.get_builtin(key)
    if builtin is None:
        abort(404)
    return TagSetEntry(builtin, True)


def taken_keys(session: Session) -> set[str]:
    """Return the keys a new set may not use."""
    stored = set(session.scalars(select(models.TagSet.key)))
    return stored | {tag_set.key for tag_set in taxonomy.builtin_tag_sets()} | RESERVED_KEYS


# --- errors ----------------------------------------------------------------------------------


def describe(error: TaxonomyError, tags: tuple[taxonomy.Tag, ...] = ()) -> str:
    """Return the error's problem as a sentence, naming a clashing tag rather than its index."""
    problem = error.problem
    if error.clashes_with is not None:
        problem = error.summary
        if error.clashes_with < len(tags):
            problem += f" (already used by \u201c{tags[error.clashes_with].name}\u201d)"
    return problem[:1].upper() + problem[1:] + ("" if problem.endswith(".") else ".")


def show_error(
    form: FlaskForm, error: TaxonomyError, tags: tuple[taxonomy.Tag, ...] = (), **aliases: str
) -> None:
    """Put a core error on the form field it names (``tags[3].shortcut`` -> ``shortcut``)."""
    name = error.field.rsplit(".", 1)[-1]
    name = aliases.get(name, name)
    field = form._fields.get(name) if name != "csrf_token" else None
    if field is None:
        form.form_errors.append(f"{error.field}: {describe(error, tags)}")
    else:
        field.errors = [*field.errors, describe(error, tags)]


def acting_user() -> int | None:
    """Return the signed-in user's id (None with sign-in off): the owner of what they save."""
    return int(current_user.id) if current_user.is_authenticated else None


def refuse_change(session: Session, entry: TagSetEntry) -> Response | None:
    """Answer an attempt to change a set this user may not change (built in, another
    teacher's, or used by an exercise); None when they may."""
    if entry.builtin:
        reason: str | None = (
            f"\u201c{entry.record.name}\u201d is built in and cannot be changed: copy it to edit"
        )
    else:
        row = tagsets.get_tag_set(session, entry.record.key)
        reason = None if row is None else tagsets.change_refusal(session, row, acting_user())
    if reason is None:
        return None
    flash(reason + ".", "error")
    return redirect(url_for("tagsets.show", key=entry.record.key))


def save(
    session: Session, tag_set: taxonomy.TagSet, message: str, *, tag_key: str | None = None
) -> Response | None:
    """Store the set, commit and flash ``message``; on a core refusal flash why, return None.

    The redirect goes to the edit page, scrolled to the tag ``tag_key`` if given.
    """
    try:
        with transaction():
            tagsets.save_tag_set(session, tag_set, owner_id=acting_user())
    except TaxonomyError as error:
        flash(describe(error), "error")
        return None
    flash(message, "success")
    anchor = f"tag-{tag_key}" if tag_key else None
    return redirect(url_for("tagsets.edit", key=tag_set.key, _anchor=anchor))


# --- pages -----------------------------------------------------------------------------------


@bp.get("")
def index() -> str:
    """List every tag set."""
    return render_template("tagsets/index.html", entries=list_entries(get_session()))


@bp.get("/<key>")
def show(key: str) -> str:
    """Show a tag set's tags."""
    entry = get_tag_set_or_404(get_session(), key)
    return render_template("tagsets/show.html", entry=entry)


@bp.get("/<key>.json")
def export(key: str) -> Response:
    """Download the tag set as ``parallax-tagset`` JSON."""
    entry = get_tag_set_or_404(get_session(), key)
    body = json.dumps(taxonomy.tag_set_to_json(entry.record), ensure_ascii=False, indent=2)
    return Response(
        body + "\n",
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{entry.record.key}.json"'},
    )


@bp.route("/<key>/copy", methods=["GET", "POST"])
@teacher_required
def copy(key: str) -> ResponseReturnValue:
    """Ask for a name, then store an editable copy of the set under a new key."""
    session = get_session()
    entry = get_tag_set_or_404(session, key)
    form = CopyForm(data={"name": f"{entry.record.name} (copy)"[: taxonomy.MAX_NAME_LENGTH]})
    if form.validate_on_submit():
        try:
            new_key = editing.slugify(form.name.data, taken=taken_keys(session))
            copied = editing.copy_tag_set(entry.record, key=new_key, name=form.name.data)
        except TaxonomyError as error:
            show_error(form, error)
        else:
            done = save(
                session, copied, f"Copied \u201c{entry.record.name}\u201d: edit your copy here."
            )
            if done is not None:
                return done
    status = 422 if form.is_submitted() else 200
    return render_template("tagsets/copy.html", entry=entry, form=form), status


@bp.route("/new", methods=["GET", "POST"])
@teacher_required
def new() -> ResponseReturnValue:
    """Ask for a name and description, then store an empty set to add tags to."""
    form = TagSetForm()
    if form.validate_on_submit():
        session = get_session()
        try:
            new_key = editing.slugify(form.name.data, taken=taken_keys(session))
            created = taxonomy.TagSet(new_key, form.name.data, form.description.data or "")
        except TaxonomyError as error:
            show_error(form, error)
        else:
            done = save(session, created, f"Created \u201c{created.name}\u201d: now add its tags.")
            if done is not None:
                return done
    status = 422 if form.is_submitted() else 200
    return render_template("tagsets/new.html", form=form), status


def render_edit(
    entry: TagSetEntry,
    *,
    set_form: TagSetForm | None = None,
    tag_form: TagForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """Render the edit page; forms not given show the stored values and suggested defaults."""
    record = entry.record
    if set_form is None:
        set_form = TagSetForm(formdata=None, prefix="set", obj=record)
    if tag_form is None:
        suggested = {
            "colour": editing.free_colour(record),
            "shortcut": editing.free_shortcut(record),
        }
        tag_form = TagForm(formdata=None, prefix="tag", data=suggested)
    page = render_template(
        "tagsets/edit.html",
        entry=entry,
        set_form=set_form,
        tag_form=tag_form,
        full=len(record.tags) >= taxonomy.MAX_TAGS,
    )
    return page, status


@bp.get("/<key>/edit")
@teacher_required
def edit(key: str) -> ResponseReturnValue:
    """Show the forms that change a set: its details, a new tag, and each tag's buttons."""
    session = get_session()
    entry = get_tag_set_or_404(session, key)
    refused = refuse_change(session, entry)
    if refused is not None:
        return refused
    return render_edit(entry)


@bp.post("/<key>/edit")
@teacher_required
def update(key: str) -> ResponseReturnValue:
    """Change the set's name and description."""
    session = get_session()
    entry = get_tag_set_or_404(session, key)
    refused = refuse_change(session, entry)
    if refused is not None:
        return refused
    form = TagSetForm(prefix="set")
    if form.validate_on_submit():
        try:
            changed = editing.update_tag_set(
                entry.record, name=form.name.data, description=form.description.data or ""
            )
        except TaxonomyError as error:
            show_error(form, error)
        else:
            if changed is entry.record:
                flash("Nothing changed.", "info")
                return redirect(url_for("tagsets.edit", key=key))
            done = save(session, changed, f"Saved the details (version {changed.version}).")
            if done is not None:
                return done
    return render_edit(entry, set_form=form, status=422)


def tag_changes(form: TagForm) -> dict[str, str | None]:
    """Return the tag fields a valid TagForm gives, blanks as None."""
    return {
        "name": form.name.data,
        "description": form.description.data or "",
        "colour": form.colour.data,
        "shortcut": form.shortcut.data or None,
        "group": form.group.data or None,
    }


@bp.post("/<key>/tags")
@teacher_required
def add_tag(key: str) -> ResponseReturnValue:
    """Add a tag at the end of the set."""
    session = get_session()
    entry = get_tag_set_or_404(session, key)
    refused = refuse_change(session, entry)
    if refused is not None:
        return refused
    record = entry.record
    form = TagForm(prefix="tag")
    if form.validate_on_submit():
        try:
            tag_key = editing.slugify(form.name.data, taken={tag.key for tag in record.tags})
            values: dict[str, Any] = tag_changes(form)
            changed = editing.add_tag(record, taxonomy.Tag(key=tag_key, **values))
        except TaxonomyError as error:
            # The key is made from the name, so a key problem is the name's.
            show_error(form, error, record.tags, key="name")
        else:
            done = save(session, changed, f"Added \u201c{form.name.data}\u201d.", tag_key=tag_key)
            if done is not None:
                return done
    return render_edit(entry, tag_form=form, status=422)


def get_tag_or_404(entry: TagSetEntry, tag_key: str) -> taxonomy.Tag:
    """Return the set's tag with this key, or answer 404."""
    tag = entry.record.get_tag(tag_key)
    if tag is None:
        abort(404)
    return tag


@bp.route("/<key>/tags/<tag_key>/edit", methods=["GET", "POST"])
@teacher_required
def edit_tag(key: str, tag_key: str) -> ResponseReturnValue:
    """Change one tag's name, description, colour, shortcut or group."""
    session = get_session()
    entry = get_tag_set_or_404(session, key)
    refused = refuse_change(session, entry)
    if refused is not None:
        return refused
    tag = get_tag_or_404(entry, tag_key)
    form = TagForm(obj=tag)
    if form.validate_on_submit():
        try:
            changed = editing.update_tag(entry.record, tag_key, **tag_changes(form))
        except TaxonomyError as error:
            show_error(form, error, entry.record.tags)
        else:
            if changed is entry.record:
                flash("Nothing changed.", "info")
                return redirect(url_for("tagsets.edit", key=key))
            done = save(session, changed, f"Saved \u201c{form.name.data}\u201d.", tag_key=tag_key)
            if done is not None:
                return done
    status = 422 if form.is_submitted() else 200
    return render_template("tagsets/edit_tag.html", entry=entry, tag=tag, form=form), status


@bp.post("/<key>/tags/<tag_key>/remove")
@teacher_required
def remove_tag(key: str, tag_key: str) -> ResponseReturnValue:
    """Remove one tag (refused while annotations use it)."""
    session = get_session()
    entry = get_tag_set_or_404(session, key)
    refused = refuse_change(session, entry)
    if refused is not None:
        return refused
    tag = get_tag_or_404(entry, tag_key)
    if ButtonForm().validate_on_submit():
        changed = editing.remove_tag(entry.record, tag_key)
        done = save(session, changed, f"Removed \u201c{tag.name}\u201d.")
        if done is not None:
            return done
    else:
        flash("The form had expired; please try again.", "error")
    return redirect(url_for("tagsets.edit", key=key))


@bp.post("/<key>/tags/<tag_key>/move")
@teacher_required
def move_tag(key: str, tag_key: str) -> ResponseReturnValue:
    """Move one tag a place up or down."""
    session = get_session()
    entry = get_tag_set_or_404(session, key)
    refused = refuse_change(session, entry)
    if refused is not None:
        return refused
    get_tag_or_404(entry, tag_key)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    tags = entry.record.tags
    current = next(i for i, tag in enumerate(tags) if tag.key == tag_key)
    index = current - 1 if form.direction.data == "up" else current + 1
    if 0 <= index < len(tags):
        changed = editing.move_tag(entry.record, tag_key, index)
        message = f"Moved \u201c{tags[current].name}\u201d {form.direction.data}."
        done = save(session, changed, message, tag_key=tag_key)
        if done is not None:
            return done
    return redirect(url_for("tagsets.edit", key=key, _anchor=f"tag-{tag_key}"))


# --- import ----------------------------------------------------------------------------------


def read_import(form: ImportForm, taken: set[str]) -> taxonomy.TagSet | None:
    """Return the tag set the form holds, or None with the reasons put on its fields."""
    upload = form.file.data
    pasted = form.text.data or ""
    if upload and pasted.strip():
        form.text.errors.append("Give the JSON one way: upload a file or paste it, not both.")
        return None
    if not upload and not pasted.strip():
        form.text.errors.append("Upload a .json file or paste the JSON.")
        return None
    source = form.file if upload else form.text
    if upload:
        raw = upload.stream.read(MAX_IMPORT_BYTES + 1)
        if len(raw) > MAX_IMPORT_BYTES:
            form.file.errors.append("The file is larger than 1 MB.")
            return None
        try:
            pasted = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            form.file.errors.append(f"The file is not UTF-8 text (byte {exc.start}).")
            return None
        # Shown again in the text box, so a rename does not need the file once more.
        form.text.data = pasted
    try:
        data = load_json(pasted)
    except InputError as exc:
        # Also too deep, a number too long, a NUL or a lone surrogate, named by its place.
        lead = "This is" if exc.problem.startswith("not valid JSON") else "This cannot be stored:"
        source.errors.append(f"{lead} {exc}.")
        return None
    if form.key.data and isinstance(data, dict):
        data = {**data, "key": form.key.data}
    try:
        tag_set = taxonomy.tag_set_from_json(data)
    except TaxonomyError as error:
        if error.field == "key" and form.key.data:
            form.key.errors.append(describe(error))
        else:
            source.errors.append(f"Not a Parallax tag set: {error.field}: {describe(error)}")
        return None
    if tag_set.key in taken:
        suggestion = editing.slugify(tag_set.key, taken=taken)
        form.key.errors.append(
            f"A tag set with the key \u201c{tag_set.key}\u201d exists already. "
            f"Store this one under another key, such as \u201c{suggestion}\u201d."
        )
        form.key.data = suggestion
        return None
    return tag_set


@bp.route("/import", methods=["GET", "POST"])
@teacher_required
def import_tag_set() -> ResponseReturnValue:
    """Store a tag set from an uploaded or pasted ``parallax-tagset`` JSON document."""
    form = ImportForm()
    if form.validate_on_submit():
        session = get_session()
        tag_set = read_import(form, taken_keys(session))
        if tag_set is not None:
            try:
                with transaction():
                    tagsets.save_tag_set(session, tag_set, owner_id=acting_user())
            except TaxonomyError as error:
                form.form_errors.append(describe(error))
            else:
                count = len(tag_set.tags)
                flash(
                    f"Imported \u201c{tag_set.name}\u201d with {count} "
                    f"tag{'' if count == 1 else 's'}.",
                    "success",
                )
                return redirect(url_for("tagsets.show", key=tag_set.key))
    status = 422 if form.is_submitted() else 200
    return render_template("tagsets/import.html", form=form), status
