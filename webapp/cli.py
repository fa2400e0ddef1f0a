"""Command-line interface: ``parallax <command>``, the same commands as ``flask --app webapp``.

This module holds the command that needs no database (``align``); the others live in
``webapp.manage``, ``webapp.serving`` and ``webapp.doctor``, and ``webapp.console`` imports
each only when it runs.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING
from typing import Any

import click

from annotations.errors import AnnotationError
from annotations.exchange.exporting import alignment_to_json
from annotations.exchange.reports import format_alignment_text
from annotations.text.align import DEFAULT_THRESHOLD
from annotations.text.align import align_documents
from annotations.text.ingest import read_document
from annotations.text.languages import cross_language_notice
from annotations.text.languages import detect_language
from webapp.console import HELP_OPTIONS
from webapp.console import InputProblem
from webapp.console import main

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["InputProblem", "NumberRange", "align_command", "main", "register_commands"]

MIN_WIDTH = 40


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


@click.command("align", context_settings=HELP_OPTIONS)
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
    notice = cross_language_notice(
        detect_language(document_a.text), detect_language(document_b.text)
    )
    if notice is not None:
        # On standard error with --json, so that the output stays one JSON document.
        click.echo(notice, err=as_json)
    if as_json:
        payload = alignment_to_json(alignment, document_a, document_b)
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        click.echo(format_alignment_text(alignment, document_a, document_b, width=width), nl=False)


def register_commands(app: Flask) -> None:
    """Add the Parallax commands to ``app.cli``."""
    from webapp import doctor
    from webapp import licences
    from webapp import manage
    from webapp import serving

    app.cli.add_command(align_command)
    app.cli.add_command(manage.create_teacher_command)
    app.cli.add_command(manage.db_group)
    app.cli.add_command(doctor.doctor_command)
    app.cli.add_command(manage.export_command)
    app.cli.add_command(manage.import_command)
    app.cli.add_command(licences.licences_command)
    app.cli.add_command(manage.seed_command)
    app.cli.add_command(serving.serve_command)
