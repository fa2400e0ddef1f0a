"""Command-line interface: ``parallax <command>``, the same commands as ``flask --app webapp``."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
from alembic.util import CommandError
from flask import Flask
from flask import current_app
from flask.cli import FlaskGroup
from flask.cli import with_appcontext
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from annotations.errors import AnnotationError
from annotations.exchange import exporting
from annotations.exchange import importing
from annotations.exchange import transfer
from annotations.exchange.exporting import alignment_to_json
from annotations.exchange.reports import format_alignment_text
from annotations.storage import accounts
from annotations.storage import comparisons
from annotations.storage import models
from annotations.storage import presenter
from annotations.storage import tagsets
from annotations.text.align import DEFAULT_THRESHOLD
from annotations.text.align import align_documents
from annotations.text.ingest import read_document
from annotations.text.ingest import read_manifest
from annotations.text.untrusted import MAX_INTEGER
from webapp import db

MIN_WIDTH = 40
EXPORT_FORMATS = ("csv", "json", "jsonld", "alignment-json", "alignment-csv")
# Below this many annotations an export is over before a progress bar would be read.
PROGRESS_MIN = 5000


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
        # NaN compares false with every bound, so it would pass the range check below.
        if not math.isfinite(number):
            raise InputProblem(f"{option} must be a number {bounds}, got {value!r}")
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
        current = db.upgrade_database(engine, revision)
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
        installed = tagsets.install_builtin_tag_sets(session)
    except AnnotationError as exc:
        raise InputProblem(str(exc)) from exc
    existing = comparisons.find_comparison_by_title(session, title)
    if existing is not None:
        session.commit()
        click.echo(f"The seed comparison {title!r} already exists (id {existing.id}).")
        return
    rows = [comparisons.add_document(session, document) for document in documents]
    comparison = comparisons.add_comparison(session, title, rows)
    alignment = align_documents(documents[0], documents[1])
    comparisons.save_alignment(session, comparison, rows[0], rows[1], alignment)
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


class _Progress:
    """A progress bar on stderr for an export of many annotations, advanced a batch at a time."""

    def __init__(self) -> None:
        self._bar: Any = None

    def start(self, total: int) -> None:
        if total >= PROGRESS_MIN:
            self._bar = click.progressbar(length=total, label="Exporting", file=sys.stderr)
            self._bar.__enter__()

    def advance(self, count: int) -> None:
        if self._bar is not None:
            self._bar.update(count)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


def _export_target(
    session: Session, comparison_id: int | None, exercise_id: int | None
) -> tuple[models.Comparison, models.Exercise | None]:
    if (comparison_id is None) == (exercise_id is None):
        raise InputProblem("give either --comparison ID or --exercise ID")
    if exercise_id is not None:
        exercise = session.get(models.Exercise, exercise_id)
        if exercise is None:
            raise InputProblem(f"--exercise: no exercise has the id {exercise_id}")
        return exercise.comparison, exercise
    comparison = session.get(models.Comparison, comparison_id)
    if comparison is None or len(comparison.members) < 2:
        raise InputProblem(f"--comparison: no comparison has the id {comparison_id}")
    return comparison, None


def _export_chunks(
    session: Session,
    comparison: models.Comparison,
    exercise: models.Exercise | None,
    fmt: str,
    base_url: str,
    progress: _Progress,
) -> tuple[Iterator[str], int | None]:
    """Return the export's text chunks and how many annotations it holds (None: an alignment)."""
    # Imported here: webapp.transfer imports the blueprints, which import this module's package.
    from webapp.transfer import stored_alignment

    if fmt.startswith("alignment-"):
        if exercise is not None:
            a_row, b_row = exercise.doc_a, exercise.doc_b
        else:
            a_row, b_row = comparison.documents[:2]
        alignment = stored_alignment(session, comparison, a_row, b_row)
        a, b = comparisons.get_document_record(a_row), comparisons.get_document_record(b_row)
        if fmt == "alignment-csv":
            return exporting.iter_alignment_csv(alignment, a, b), None
        payload = exporting.alignment_to_json(alignment, a, b)
        return iter([json.dumps(payload, ensure_ascii=False, indent=2) + "\n"]), None
    base = base_url.rstrip("/")
    if exercise is not None:
        where: dict[str, Any] = {"exercise_id": exercise.id}
        meta: dict[str, Any] = {
            "comparison_id": comparison.id,
            "exercise_id": exercise.id,
            "exercise_title": exercise.title,
        }
        label = f"Annotations of the exercise {exercise.title}"
        collection_id = f"{base}/exercises/{exercise.id}/export.jsonld"
    else:
        where = {"comparison_id": comparison.id, "outside_exercises": True}
        meta = {"comparison_id": comparison.id, "comparison_title": comparison.title}
        label = f"Annotations of {comparison.title}"
        collection_id = f"{base}/comparisons/{comparison.id}/export.jsonld"
    total = transfer.count_records(session, **where)
    progress.start(total)
    records = transfer.iter_records(session, **where, progress=progress.advance)
    if fmt == "csv":
        return exporting.iter_csv(records), total
    if fmt == "json":
        exported = presenter.isoformat_utc(models.utcnow().replace(microsecond=0))
        return exporting.iter_json(records, meta={"exported": exported, **meta}), total
    chunks = exporting.iter_w3c(records, collection_id=collection_id, base_url=base, label=label)
    return chunks, total


@click.command("export")
@click.option("--comparison", "comparison_id", type=int, help="Export this comparison.")
@click.option("--exercise", "exercise_id", type=int, help="Export this exercise (all its work).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    required=True,
    help="Annotations as csv, json or jsonld (W3C), or the alignment as JSON or CSV.",
)
@click.option("--output", "-o", default="-", show_default=True, help="File to write; - for stdout.")
@click.option(
    "--base-url",
    default="http://localhost/",
    show_default=True,
    help="Address of this Parallax, for the ids of a W3C export.",
)
@with_appcontext
def export_command(
    comparison_id: int | None, exercise_id: int | None, fmt: str, output: str, base_url: str
) -> None:
    """Export a comparison's annotations (not exercise work) or an exercise's, or an alignment."""
    session = get_session_with_tables()
    comparison, exercise = _export_target(session, comparison_id, exercise_id)
    progress = _Progress()
    chunks, total = _export_chunks(session, comparison, exercise, fmt, base_url, progress)
    try:
        # click.open_file gives stdout's bytes for "-" and leaves stdout open on close.
        with click.open_file(output, "wb") as stream:
            for chunk in chunks:
                stream.write(chunk.encode("utf-8"))
    except OSError as exc:
        raise InputProblem(f"--output: cannot write {output}: {exc.strerror}") from exc
    finally:
        progress.finish()
    what = "the alignment" if total is None else f"{total} annotation{'s' * (total != 1)}"
    click.echo(f"Exported {what} as {fmt} to {'stdout' if output == '-' else output}.", err=True)


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def report_lines(report: transfer.ImportReport) -> list[str]:
    """Return one line per item of an import that was not simply imported or already there."""
    lines: list[tuple[int, str]] = [
        (item.index, f"skipped: {item.reason}") for item in report.skipped
    ]
    lines += [
        (
            item.index,
            f"orphaned: its quote {_short(item.quote)!r} is not in {item.document_title}",
        )
        for item in report.orphaned
    ]
    lines += [
        (
            item.index,
            f"re-anchored from [{item.old.start}, {item.old.end}) "
            f"to [{item.new.start}, {item.new.end})",
        )
        for item in report.re_anchored
    ]
    ids = {item.index: item.item_id for item in report.skipped}
    ids.update({item.index: item.item_id for item in report.orphaned})
    ids.update({item.index: item.item_id for item in report.re_anchored})
    return [
        f"item {index} ({ids[index] or 'no id'}): {line}"
        for index, line in sorted(lines, key=lambda pair: pair[0])
    ]


@click.command("import")
@click.argument("file", metavar="FILE")
@click.option(
    "--comparison", "comparison_id", type=int, required=True, help="Import into this comparison."
)
@click.option("--partial", is_flag=True, help="Import the good annotations even if some fail.")
@click.option(
    "--author",
    default="Imported",
    show_default=True,
    help="Author of the annotations whose file names none.",
)
@with_appcontext
def import_command(file: str, comparison_id: int, partial: bool, author: str) -> None:
    """Import a Parallax JSON or W3C JSON-LD file of annotations, all or nothing by default."""
    session = get_session_with_tables()
    try:
        data = Path(file).read_bytes()
    except FileNotFoundError:
        raise InputProblem(f"{file}: no such file") from None
    except OSError as exc:
        raise InputProblem(f"{file}: cannot read it: {exc.strerror}") from exc
    try:
        batch = importing.read_annotations(data)
    except AnnotationError as exc:
        raise InputProblem(f"{file}: {exc}") from exc
    if (
        not 0 < comparison_id <= MAX_INTEGER
        or session.get(models.Comparison, comparison_id) is None
    ):
        raise InputProblem(f"--comparison: no comparison has the id {comparison_id}")
    try:
        report = transfer.import_records(
            session, batch, comparison_id=comparison_id, author_fallback=author
        )
        # Flushed here, so that a value the database cannot store is named before the report.
        session.flush()
    except (AnnotationError, ValueError) as exc:
        session.rollback()
        raise InputProblem(f"{file}: {exc}") from exc
    for line in report_lines(report):
        click.echo(line)
    counts = (
        f"{len(report.re_anchored)} re-anchored, {report.unchanged} already there, "
        f"{len(report.skipped)} skipped, {len(report.orphaned)} orphaned"
    )
    if not report.is_clean and not partial:
        session.rollback()
        raise click.ClickException(
            f"Nothing imported: {report.problems} of the file's items cannot be imported "
            f"(listed above); fix them, or add --partial to import the other {report.imported}."
        )
    session.commit()
    click.echo(
        f"Imported {report.imported} annotation{'s' * (report.imported != 1)} into comparison "
        f"{comparison_id} ({counts})."
    )


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
    app.cli.add_command(export_command)
    app.cli.add_command(import_command)
    app.cli.add_command(seed_command)


def _create_app() -> Flask:
    # Imported when the command runs: webapp/__init__.py imports this module.
    from webapp import create_app

    return create_app()


main = FlaskGroup(
    create_app=_create_app,
    help="Parallax: compare how two news sources tell the same story.",
)
