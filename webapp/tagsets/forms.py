"""Form classes of the tag-set pages (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed
from flask_wtf.file import FileField
from flask_wtf.file import FileSize
from wtforms import ColorField
from wtforms import HiddenField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import AnyOf
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from annotations.framing.taxonomy import MAX_DESCRIPTION_LENGTH
from annotations.framing.taxonomy import MAX_KEY_LENGTH
from annotations.framing.taxonomy import MAX_NAME_LENGTH

MAX_IMPORT_BYTES = 2**20
"""Largest tag-set JSON accepted, uploaded or pasted (a 60-tag set is about 20 KB)."""


def clean_line(value: str | None) -> str | None:
    """Return ``value`` without surrounding whitespace (None stays None)."""
    return value.strip() if isinstance(value, str) else value


def clean_text(value: str | None) -> str | None:
    """Return a textarea's text with LF line breaks and no surrounding whitespace."""
    if not isinstance(value, str):
        return value
    # Browsers send a textarea's line breaks as CRLF; the core refuses control characters.
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


class ButtonForm(FlaskForm):
    """An empty form: the CSRF token of a button-only POST (remove a tag)."""


class MoveForm(FlaskForm):
    """Move a tag one place up or down."""

    direction = HiddenField(validators=[AnyOf(("up", "down"))])


class TagSetForm(FlaskForm):
    """A tag set's name and description (new set, or the details of one being edited)."""

    name = StringField(
        "Name", validators=[DataRequired(), Length(max=MAX_NAME_LENGTH)], filters=[clean_line]
    )
    description = TextAreaField(
        "Description",
        validators=[Optional(), Length(max=MAX_DESCRIPTION_LENGTH)],
        filters=[clean_text],
    )


class CopyForm(FlaskForm):
    """The name of a copy; its key is made from the name."""

    name = StringField(
        "Name of the copy",
        validators=[DataRequired(), Length(max=MAX_NAME_LENGTH)],
        filters=[clean_line],
    )


class TagForm(FlaskForm):
    """One tag: name, description, highlight colour, shortcut key and group."""

    name = StringField(
        "Name", validators=[DataRequired(), Length(max=MAX_NAME_LENGTH)], filters=[clean_line]
    )
    description = TextAreaField(
        "Description",
        validators=[Optional(), Length(max=MAX_DESCRIPTION_LENGTH)],
        filters=[clean_text],
    )
    colour = ColorField("Colour", validators=[DataRequired()], filters=[clean_line])
    # No trimming: the core explains why a space cannot be a shortcut.
    shortcut = StringField("Shortcut key", validators=[Optional(), Length(max=8)])
    group = StringField(
        "Group", validators=[Optional(), Length(max=MAX_NAME_LENGTH)], filters=[clean_line]
    )


class ImportForm(FlaskForm):
    """A tag-set JSON file or pasted JSON, and optionally a new key to store it under."""

    file = FileField(
        "Upload a .json file",
        validators=[
            FileAllowed(("json",), "Upload a .json file."),
            FileSize(MAX_IMPORT_BYTES, message="The file is larger than 1 MB."),
        ],
    )
    text = TextAreaField("Or paste the JSON", validators=[Length(max=MAX_IMPORT_BYTES)])
    key = StringField(
        "Store it under the key",
        validators=[Optional(), Length(max=MAX_KEY_LENGTH)],
        filters=[clean_line],
    )
