"""Form classes of the account pages (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import EqualTo
from wtforms.validators import Length

from annotations.storage.accounts import MAX_NAME_LENGTH
from annotations.storage.accounts import MAX_PASSWORD_LENGTH


def clean_line(value: str | None) -> str | None:
    """Return ``value`` without surrounding whitespace (None stays None)."""
    return value.strip() if isinstance(value, str) else value


class SetupForm(FlaskForm):
    """The first teacher's account."""

    name = StringField(
        "Your name",
        filters=[clean_line],
        validators=[DataRequired("Enter the name students will see."), Length(max=MAX_NAME_LENGTH)],
    )
    username = StringField(
        "Username",
        filters=[clean_line],
        validators=[DataRequired("Choose a username to sign in with.")],
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Choose a password."), Length(max=MAX_PASSWORD_LENGTH)],
    )
    confirm = PasswordField(
        "Password again",
        validators=[
            DataRequired("Type the password again."),
            EqualTo("password", "The two passwords differ."),
        ],
    )


class LoginForm(FlaskForm):
    """A username and password."""

    username = StringField(
        "Username", filters=[clean_line], validators=[DataRequired("Enter your username.")]
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=MAX_PASSWORD_LENGTH)],
    )


class LogoutForm(FlaskForm):
    """An empty form: the CSRF token of the sign-out button."""


class PasswordForm(FlaskForm):
    """A signed-in user's current password and a new one, twice."""

    current = PasswordField(
        "Current password",
        validators=[
            DataRequired("Enter the password you use now."),
            Length(max=MAX_PASSWORD_LENGTH),
        ],
    )
    password = PasswordField(
        "New password",
        validators=[DataRequired("Choose a new password."), Length(max=MAX_PASSWORD_LENGTH)],
    )
    confirm = PasswordField(
        "New password again",
        validators=[
            DataRequired("Type the new password again."),
            EqualTo("password", "The two passwords differ."),
        ],
    )
