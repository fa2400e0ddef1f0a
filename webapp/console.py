"""The ``parallax`` command: a click group that imports a command's module only when it runs.

``parallax --help`` and ``--version`` import neither Flask nor SQLAlchemy, and ``parallax
align`` loads only the aligner; the commands that need the app get it through Flask's
``ScriptInfo``, so they are the same commands as ``flask --app webapp <command>``.
"""

from __future__ import annotations

import os
from importlib import import_module
from typing import TYPE_CHECKING
from typing import Any

import click

if TYPE_CHECKING:
    from flask import Flask

# name: (module, attribute, one-line summary shown by --help without importing the module).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "align": (
        "webapp.cli",
        "align_command",
        "Align two articles (.txt, .md or .html) and show matched and one-source passages.",
    ),
    "create-teacher": (
        "webapp.manage",
        "create_teacher_command",
        "Create a teacher account that can sign in.",
    ),
    "db": ("webapp.manage", "db_group", "Manage the database schema."),
    "doctor": (
        "webapp.doctor",
        "doctor_command",
        "Check the installation and say what to fix.",
    ),
    "export": (
        "webapp.manage",
        "export_command",
        "Export a comparison's annotations (not exercise work) or an exercise's, or an alignment.",
    ),
    "import": (
        "webapp.manage",
        "import_command",
        "Import a Parallax JSON or W3C JSON-LD file of annotations, all or nothing by default.",
    ),
    "licences": (
        "webapp.licences",
        "licences_command",
        "List the licence of every package Parallax runs on.",
    ),
    "seed": (
        "webapp.manage",
        "seed_command",
        "Store the built-in tag sets and the seed articles as one comparison (once).",
    ),
    "suggest": (
        "webapp.cli",
        "suggest_command",
        "Suggest framing spans to tag in one or two articles (.txt, .md or .html).",
    ),
    "serve": (
        "webapp.serving",
        "serve_command",
        "Serve Parallax to a class with a production server (gunicorn, or waitress on Windows).",
    ),
}
# Every Parallax command takes -h as well as --help (set on each command, not only on the group:
# the same command objects also serve `flask --app webapp`, whose context says only --help).
HELP_OPTIONS: dict[str, Any] = {"help_option_names": ["-h", "--help"]}
# Commands that need no app: Flask is not even imported for them.
WITHOUT_APP = frozenset({"align", "licences", "suggest"})
# Commands whose NumPy work runs on one BLAS thread. OpenBLAS starts a thread per core for
# the alignment's matrix products, and on a machine shared with other work threads that spin
# while they wait for a core cost more time than they save (bench/README.md). Set before
# NumPy is imported; a value the user set wins.
ONE_BLAS_THREAD = frozenset({"align", "suggest"})
# Commands that need the configuration and the database only: the app they get has no pages.
DATABASE_ONLY = frozenset({"create-teacher", "db", "export", "import", "seed"})


class InputProblem(click.ClickException):
    """A mistake in what the user gave a command: one line on stderr, exit status 2."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        # Core messages are one line already; a stray line break would split the error.
        super().__init__(" ".join(message.split()))


def _create_app() -> Flask:
    from webapp import create_app

    return create_app()


def _create_database_app() -> Flask:
    from webapp import create_app

    return create_app(web=False)


class ParallaxGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module, attribute, _ = entry
        if cmd_name in ONE_BLAS_THREAD:
            os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        if cmd_name not in WITHOUT_APP and ctx.obj is None:
            from flask.cli import ScriptInfo

            factory = _create_database_app if cmd_name in DATABASE_ONLY else _create_app
            ctx.obj = ScriptInfo(create_app=factory, set_debug_flag=False)
        command: click.Command = getattr(import_module(module), attribute)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(
    "parallax",
    cls=ParallaxGroup,
    context_settings=HELP_OPTIONS,
)
@click.version_option(package_name="parallax", prog_name="Parallax", message="%(prog)s %(version)s")
def main(**_: Any) -> None:
    """Parallax: compare how two news sources tell the same story.

    Start a class with `parallax db upgrade`, `parallax seed`, `parallax create-teacher
    --username NAME` and `parallax serve`; `parallax doctor` says what is missing.
    """
