"""Account pages: create the first teacher, sign in and out, change the password."""

from __future__ import annotations

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from annotations.errors import AccountError
from annotations.storage import accounts
from annotations.storage import models
from webapp.auth.access import end_session
from webapp.auth.access import fold_account
from webapp.auth.access import is_local_path
from webapp.auth.access import sign_in_limits
from webapp.auth.access import start_session
from webapp.auth.access import teacher_required
from webapp.auth.forms import LoginForm
from webapp.auth.forms import LogoutForm
from webapp.auth.forms import PasswordForm
from webapp.auth.forms import SetupForm
from webapp.db import get_session
from webapp.db import transaction

bp = Blueprint("auth", __name__)


def show_error(form: FlaskForm, error: AccountError) -> None:
    """Put a core error's message on the form field it names (or on the form)."""
    field = form._fields.get(error.field) if error.field else None
    if field is None:
        form.form_errors.append(str(error))
    else:
        field.errors = [*field.errors, error.problem[:1].upper() + error.problem[1:] + "."]


def sign_in(row: models.User) -> None:
    """Start a fresh signed-in session for ``row``."""
    assert row.username is not None
    start_session(row.id, row.username, row.name, row.role)


def needs_setup() -> bool:
    """Return True while sign-in is on and no teacher can sign in yet."""
    if current_app.config.get("LOGIN_DISABLED"):
        return False
    session = get_session()
    try:
        return not accounts.has_teacher(session)
    except SQLAlchemyError:
        # No tables yet: the home page still shows the seed articles from files.
        session.rollback()
        return False


@bp.before_app_request
def send_newcomers_to_setup() -> Response | None:
    """Send the first visitor of the home page to the setup form."""
    if request.endpoint == "compare.index" and needs_setup():
        return redirect(url_for("auth.setup"))
    return None


@bp.route("/setup", methods=["GET", "POST"])
@sign_in_limits(lambda: fold_account(request.form.get("username", "")))
def setup() -> ResponseReturnValue:
    """Create the first teacher account and sign them in; afterwards the page is gone."""
    if not needs_setup():
        abort(404)
    form = SetupForm()
    if form.validate_on_submit():
        session = get_session()
        try:
            with transaction():
                row = accounts.create_user(
                    session,
                    username=form.username.data,
                    name=form.name.data,
                    password=form.password.data,
                    role="teacher",
                )
        except AccountError as error:
            show_error(form, error)
        except IntegrityError:
            form.username.errors = [*form.username.errors, "This username was just taken."]
        else:
            sign_in(row)
            flash(f"Welcome, {row.name}: your teacher account is ready.", "success")
            return redirect(url_for("compare.index"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/setup.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@sign_in_limits(lambda: fold_account(request.form.get("username", "")))
def login() -> ResponseReturnValue:
    """Sign in with a username and password, then go where the user was heading."""
    target = request.args.get("next")
    if not is_local_path(target):
        target = None
    if current_user.is_authenticated:
        return redirect(target or url_for("compare.index"))
    form = LoginForm()
    if form.validate_on_submit():
        with transaction() as session:
            row = accounts.authenticate(session, form.username.data, form.password.data)
        if row is None:
            form.password.errors = [*form.password.errors, "Wrong username or password."]
        else:
            sign_in(row)
            flash(f"Signed in as {row.name}.", "success")
            return redirect(target or url_for("compare.index"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form, next=target), status


@bp.post("/logout")
def logout() -> Response:
    """Sign out (a POST with the CSRF token, so no other site can sign anyone out)."""
    form = LogoutForm()
    if not form.validate_on_submit():
        abort(400, "The sign-out form had expired; please try again.")
    end_session()
    flash("Signed out.", "info")
    return redirect(url_for("compare.index"))


@bp.post("/logout/everywhere")
def logout_everywhere() -> Response:
    """Sign out on every computer this account is signed in on (a lost or shared one too)."""
    form = LogoutForm()
    if not form.validate_on_submit():
        abort(400, "The sign-out form had expired; please try again.")
    end_session(everywhere=True)
    flash("Signed out on every computer.", "info")
    return redirect(url_for("compare.index"))


@bp.route("/account", methods=["GET", "POST"])
@teacher_required
def account() -> ResponseReturnValue:
    """A teacher's account: change the password (which ends other sign-ins), sign out."""
    form = PasswordForm()
    if form.validate_on_submit():
        session = get_session()
        row = session.get(models.User, int(current_user.id))
        if row is None or row.password_hash is None:
            abort(404)
        if not accounts.verify_password(row.password_hash, form.current.data):
            form.current.errors = [*form.current.errors, "This is not your current password."]
        else:
            try:
                with transaction():
                    accounts.change_password(session, row, form.password.data)
            except AccountError as error:
                show_error(form, error)
            else:
                # Every sign-in ended with the change; this browser starts a new one.
                start_session(row.id, row.username, row.name, row.role)
                flash("Password changed. You are signed out on every other computer.", "success")
                return redirect(url_for("auth.account"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/account.html", form=form, logout_form=LogoutForm()), status
