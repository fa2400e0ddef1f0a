"""Form classes of the exercise pages (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import PasswordField
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import Length

from annotations.classroom.exercises import MAX_DISPLAY_NAME_LENGTH
from annotations.classroom.exercises import MAX_FEEDBACK_LENGTH
from annotations.classroom.exercises import MAX_INSTRUCTIONS_LENGTH
from annotations.classroom.exercises import MAX_TITLE_LENGTH
from annotations.storage.accounts import MAX_PASSWORD_LENGTH
from webapp.auth.forms import clean_line


class ExerciseForm(FlaskForm):
    """A new exercise: what the class reads, the tags it uses and what to do."""

    title = StringField(
        "Title",
        filters=[clean_line],
        validators=[DataRequired("Give the exercise a title."), Length(max=MAX_TITLE_LENGTH)],
    )
    comparison = SelectField("Articles", coerce=int, validate_choice=True)
    tag_set = SelectField("Tag set", validate_choice=True)
    instructions = TextAreaField(
        "Instructions for the class", validators=[Length(max=MAX_INSTRUCTIONS_LENGTH)]
    )
    hints = BooleanField("Hints: students may ask for suggestions")
    save_draft = SubmitField("Save as draft")
    save_open = SubmitField("Save and open it")


class ExerciseEditForm(FlaskForm):
    """An exercise's title, instructions and hints."""

    title = StringField(
        "Title",
        filters=[clean_line],
        validators=[DataRequired("Give the exercise a title."), Length(max=MAX_TITLE_LENGTH)],
    )
    instructions = TextAreaField(
        "Instructions for the class", validators=[Length(max=MAX_INSTRUCTIONS_LENGTH)]
    )
    hints = BooleanField("Hints: students may ask for suggestions")


class StateForm(FlaskForm):
    """An empty form: the CSRF token of a state button (open, close, reveal)."""


class JoinForm(FlaskForm):
    """A student's join code, display name and password."""

    code = StringField(
        "Join code",
        filters=[clean_line],
        validators=[DataRequired("Type the code your teacher gave you."), Length(max=32)],
    )
    name = StringField(
        "Your name",
        filters=[clean_line],
        validators=[
            DataRequired("Type the name your teacher will see."),
            Length(max=MAX_DISPLAY_NAME_LENGTH),
        ],
    )
    password = PasswordField(
        "Password",
        validators=[
            DataRequired("Choose a password (or type the one you chose)."),
            Length(max=MAX_PASSWORD_LENGTH),
        ],
    )


class FeedbackForm(FlaskForm):
    """The teacher's private feedback on one student annotation."""

    body = TextAreaField("Feedback", validators=[Length(max=MAX_FEEDBACK_LENGTH)])


class LetInForm(FlaskForm):
    """A teacher lets a locked-out student in, optionally with a new password."""

    password = PasswordField(
        "New password (leave empty to keep theirs)",
        validators=[Length(max=MAX_PASSWORD_LENGTH)],
    )
