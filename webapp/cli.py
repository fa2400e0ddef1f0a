"""Command-line interface: ``parallax <command>``, the same commands as ``flask --app webapp``."""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from alembic import command as alembic_command
from alembic.runtime.migration import MigrationContext
from alembic.util import CommandError
from flask import Flask
from flask import current_app
from flask.cli import FlaskGroup
from flask.cli import with_appcontext
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from annotations import accounts
from annotations import store
from annotations.align import DEFAULT_THRESHOLD
from annotations.align import align_documents
from annotations.errors import AnnotationError
from annotations.formats import alignment_to_json
from annotations.ingest import read_document
from annotations.ingest import read_manifest
from annotations.reports import format_alignment_text
from webapp import db

MIN_WIDTH = 40


class InputProblem(click.ClickException):
    """A mistake in what the user gave a command: one line on stderr, exit status 2."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        # Core messages are one line already; a stray line break would split the error.
        super().__init__(" ".join(message.split()))


class NumberRange(click.ParamType):
    """A number in a closed range; a bad value is a one-line InputProblem, not a usage dump."""

    def __init__(self, kind: type[int] | type[float], low: float, high: float | None) -> None:
        self.kind = kind
        self.low = low
        self.high = high
        self.name = kind.__name__

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Return ``value`` as a number inside the range, or raise InputProblem."""
        option = f"--{param.name}" if param is not None and param.name else "value"
        bounds = (
            f"from {self.low:g} to {self.high:g}"
            if self.high is not None
            else f"at least {self.low:g}"
        )
        try:
            number = self.kind(value)
        except (TypeError, ValueError):
            raise InputProblem(f"{option} must be a number {bounds}, got {value!r}") from None
        if number < self.low or (self.high is not None and number > self.high):
            raise InputProblem(f"{option} must be {bounds}, got {value}")
        return number


@click.command("align")
@click.argument("a", metavar="A", type=click.Path(path_type=str))
@click.argument("b", metavar="B", type=click.Path(path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the alignment as JSON.")
@click.option(
    "--threshold",
    type=NumberRange(float, 0, 100),
    default=DEFAULT_THRESHOLD,
    show_default=True,
    help="Lowest score (0-100) at which two passages pair.",
)
@click.option(
    "--width",
    type=NumberRange(int, MIN_WIDTH, None),
    default=100,
    show_default=True,
    help="Width of the text report in characters.",
)
def align_command(a: str, b: str, as_json: bool, threshold: float, width: int) -> None:
    """Align two articles (.txt, .md or .html) and show matched and one-source passages."""
    try:
        document_a = read_document(a)
        document_b = read_document(b)
        alignment = align_documents(document_a, document_b, threshold=threshold)
    except AnnotationError as exc:
        raise InputProblem(str(exc)) from exc
    if as_json:
        payload = alignment_to_json(alignment, document_a, document_b)
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        click.echo(format_alignment_text(alignment, document_a, document_b, width=width), nl=False)


@click.group("db")
def db_group() -> None:
    """Manage the database schema."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Revision to upgrade to.")
@with_appcontext
def db_upgrade_command(revision: str) -> None:
    """Apply the migrations up to a revision (the latest by default)."""
    engine = db.get_engine()
    try:
        with engine.begin() as connection:
            alembic_command.upgrade(db.alembic_config(connection), revision)
            current = MigrationContext.configure(connection).get_current_revision()
    except CommandError as exc:
        raise InputProblem(str(exc)) from exc
    except OperationalError as exc:
        raise InputProblem(f"cannot use the database {engine.url}: {exc.orig}") from exc
    click.echo(f"Database {engine.url} is at revision {current}.")


@click.command("seed")
@with_appcontext
def seed_command() -> None:
    """Store the built-in tag sets and the seed articles as one comparison (once)."""
    session = get_session_with_tables()
    try:
        title, documents = read_manifest(current_app.config["SEEDS_DIR"])
    except AnnotationError as exc:
        raise InputProblem(str(exc)) from exc
    if len(documents) < 2:
        raise InputProblem("the seed manifest lists fewer than two articles")
    try:
        installed = store.install_builtin_tag_sets(session)
    except AnnotationError as exc:
        raise InputProblem(str(exc)) from exc
    existing = store.find_comparison_by_title(session, title)
    if existing is not None:
        session.commit()
        click.echo(f"The seed comparison {title!r} already exists (id {existing.id}).")
        return
    rows = [store.add_document(session, document) for document in documents]
    comparison = store.add_comparison(session, title, rows)
    alignment = align_documents(documents[0], documents[1])
    store.save_alignment(session, comparison, rows[0], rows[1], alignment)
    session.commit()
    click.echo(
        f"Stored the seed comparison {title!r} (id {comparison.id}): {len(rows)} documents, "
        f"{len(alignment.pairs)} aligned passages; {installed} built-in tag sets installed."
    )


@click.command("create-teacher")
@click.option("--username", required=True, help="The name to sign in with.")
@click.option("--name", help="The name students see (the username by default).")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of asking.",
)
@with_appcontext
def create_teacher_command(username: str, name: str | None, password_stdin: bool) -> None:
    """Create a teacher account that can sign in."""
    session = get_session_with_tables()
    try:
        accounts.check_username(username)
    except AnnotationError as exc:
        raise InputProblem(str(exc)) from exc
    if accounts.find_user(session, username) is not None:
        raise InputProblem(f"username: {username.strip()!r} is taken")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(
            session, username=username, name=name or username, password=password, role="teacher"
        )
    except AnnotationError as exc:
        raise InputProblem(str(exc)) from exc
    session.commit()
    click.echo(f"Created the teacher {user.username!r} ({user.name}); sign in at /login.")


def get_session_with_tables() -> Session:
    """Return the session, or stop with one line if the database has no Parallax tables."""
    session = db.get_session()
    try:
        missing = db.missing_tables(session.connection())
    except OperationalError as exc:
        raise InputProblem(f"cannot use the database {db.get_engine().url}: {exc.orig}") from exc
    if missing:
        raise InputProblem(
            f"the database has no {', '.join(missing)} table{'s' if len(missing) > 1 else ''}; "
            "run `parallax db upgrade` first"
        )
    return session


def register_commands(app: Flask) -> None:
    """Add the Parallax commands to ``app.cli``."""
    app.cli.add_command(align_command)
    app.cli.add_command(create_teacher_command)
    app.cli.add_command(db_group)
    app.cli.add_command(seed_command)


def _create_app() -> Flask:
    # Imported when the command runs: webapp/__init__.py imports this module.
    from webapp import create_app

    return create_app()


main = FlaskGroup(
    create_app=_create_app,
    help="Parallax: compare how two news sources tell the same story.",
)
