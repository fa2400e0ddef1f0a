"""Command-line interface: ``parallax <command>``, the same commands as ``flask --app webapp``.

This module holds the commands that need no database (``align`` and ``suggest``); the others live in
``webapp.manage``, ``webapp.serving`` and ``webapp.doctor``, and ``webapp.console`` imports
each only when it runs.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

import click

from annotations.errors import AnnotationError
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

    from annotations.framing.taxonomy import TagSet
    from annotations.records import Document
    from annotations.records import Suggestion

__all__ = [
    "InputProblem",
    "NumberRange",
    "align_command",
    "main",
    "register_commands",
    "suggest_command",
    "suggestions_to_json",
]

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
    # Each output's module is imported only when it is asked for.
    if as_json:
        import orjson

        from annotations.exchange.exporting import alignment_to_json

        payload = alignment_to_json(alignment, document_a, document_b)
        # The same text as json.dumps(..., ensure_ascii=False, indent=2), several times faster.
        click.echo(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode())
    else:
        from annotations.exchange.reports import format_alignment_text

        click.echo(format_alignment_text(alignment, document_a, document_b, width=width), nl=False)


def _tag_set(value: str) -> TagSet:
    """Return the built-in tag set ``value``, or the tag set in the JSON file ``value``."""
    from annotations.framing.taxonomy import builtin_tag_sets
    from annotations.framing.taxonomy import get_builtin
    from annotations.framing.taxonomy import tag_set_from_json

    found = get_builtin(value)
    if found is not None:
        return found
    if value.endswith(".json"):
        try:
            data = json.loads(Path(value).read_text(encoding="utf-8"))
        except OSError as exc:
            raise InputProblem(f"cannot read {value}: {exc.strerror or exc}") from exc
        except ValueError as exc:
            raise InputProblem(f"{value}: not JSON: {exc}") from exc
        try:
            return tag_set_from_json(data)
        except AnnotationError as exc:
            raise InputProblem(f"{value}: {exc}") from exc
    known = ", ".join(tag_set.key for tag_set in builtin_tag_sets())
    raise InputProblem(
        f"--tag-set: no built-in tag set {value!r} (built in: {known}; or a .json file)"
    )


def suggestions_to_json(
    suggestions: Sequence[Suggestion], documents: Sequence[Document], tag_set: TagSet
) -> dict[str, Any]:
    """Return the ``parallax suggest --json`` document (offsets in code points)."""
    names = {tag.key: tag.name for tag in tag_set.tags}
    sides = [{"path": d.path, "length": len(d.text)} for d in documents]
    return {
        "a": sides[0],
        "b": sides[1] if len(sides) > 1 else None,
        "tag_set": tag_set.key,
        "suggestions": [
            {
                "document": "ab"[s.document],
                "start": s.start,
                "end": s.end,
                "quote": s.quote,
                "tag": s.tag,
                "tag_name": names.get(s.tag, s.tag),
                "reason": s.reason,
                "score": s.score,
            }
            for s in suggestions
        ],
    }


def _suggestions_text(suggestions: Sequence[Suggestion], documents: Sequence[Document]) -> str:
    lines = []
    for label, document in zip("AB", documents, strict=False):
        count = sum(1 for s in suggestions if s.document == "AB".index(label))
        noun = "suggestion" if count == 1 else "suggestions"
        lines.append(f"{label}: {document.path} ({count} {noun})")
    for s in suggestions:
        quote = " ".join(s.quote.split())
        if len(quote) > 80:
            quote = quote[:79] + "…"
        lines.append(f"\n{'AB'[s.document]} [{s.start}, {s.end}) {s.tag} {s.score:.2f}: {quote}")
        lines.append(f"  {s.reason}")
    return "\n".join(lines) + "\n"


@click.command("suggest", context_settings=HELP_OPTIONS)
@click.argument("a", metavar="A", type=click.Path(path_type=str))
@click.argument("b", metavar="[B]", type=click.Path(path_type=str), required=False)
@click.option(
    "--tag-set",
    "tag_set_key",
    default="media-literacy",
    show_default=True,
    help="A built-in tag set's key, or a tag set JSON file.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the suggestions as JSON.")
def suggest_command(a: str, b: str | None, tag_set_key: str, as_json: bool) -> None:
    """Suggest framing spans to tag in one or two articles (.txt, .md or .html)."""
    from annotations.framing.suggest import suggest

    tag_set = _tag_set(tag_set_key)
    try:
        documents = [read_document(path) for path in (a, b) if path is not None]
        suggestions = suggest(documents, tag_set)
    except AnnotationError as exc:
        raise InputProblem(str(exc)) from exc
    if as_json:
        payload = suggestions_to_json(suggestions, documents, tag_set)
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        click.echo(_suggestions_text(suggestions, documents), nl=False)


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
    app.cli.add_command(suggest_command)
