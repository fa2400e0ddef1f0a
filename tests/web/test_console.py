"""The ``parallax`` command as people run it: its version, help everywhere, a quick start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from webapp import console
from webapp.console import main

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("flask", "sqlalchemy", "trafilatura", "wordfreq", "werkzeug", "alembic")
# Runs the command in a fresh interpreter and prints the modules it imported, as JSON, last.
PROBE = """
import json, sys
from webapp.console import main
try:
    main(sys.argv[1:], prog_name="parallax")
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


def loaded_module_names(tmp_path, *args):
    env = {key: value for key, value in os.environ.items() if not key.startswith("PARALLAX_")}
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=True,
    )
    *output, modules = completed.stdout.rstrip("\n").split("\n")
    return "\n".join(output), set(json.loads(modules))


def loaded_modules(tmp_path, *args):
    output, names = loaded_module_names(tmp_path, *args)
    return output, {name.split(".")[0] for name in names}


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["--version"]])
def test_help_and_version_import_no_web_app(tmp_path, args):
    output, modules = loaded_modules(tmp_path, *args)
    assert output.startswith("Usage: parallax") or output.startswith("Parallax ")
    assert not modules & set(HEAVY), modules & set(HEAVY)


def test_aligning_text_files_imports_no_web_app_or_html_extraction(tmp_path):
    (tmp_path / "a.txt").write_text("The minister met the press. She was calm.\n")
    (tmp_path / "b.txt").write_text("The minister spoke to reporters. She was calm.\n")
    output, names = loaded_module_names(tmp_path, "align", "a.txt", "b.txt")
    modules = {name.split(".")[0] for name in names}
    assert "She was calm." in output
    # The English word frequencies are read from wordfreq's data file: wordfreq itself (with
    # langcodes, ftfy and regex) is not imported. Nor are what only reports of annotations
    # and the JSON output need.
    assert not modules & set(HEAVY), modules & set(HEAVY)
    assert not modules & {"langcodes", "ftfy", "regex", "lxml", "orjson"}
    assert "annotations.classroom.agreement" not in names
    assert "annotations.exchange.exporting" not in names


def test_version_is_parallax_s():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"Parallax {version('parallax')}\n"


def test_python_m_webapp_is_the_same_command(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "webapp", "-h"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=True,
    )
    assert completed.stdout.startswith("Usage: parallax ")
    assert "serve" in completed.stdout and "doctor" in completed.stdout


@pytest.mark.parametrize("name", sorted(console.COMMANDS))
def test_every_command_answers_dash_h(name, tmp_path, monkeypatch):
    monkeypatch.setenv("PARALLAX_INSTANCE", str(tmp_path))
    # Through `flask --app webapp` first: the same command objects must keep -h afterwards.
    from webapp import create_app

    app = create_app({"TESTING": True}, instance_path=str(tmp_path))
    through_flask = app.test_cli_runner().invoke(args=[name, "-h"])
    assert through_flask.exit_code == 0, through_flask.output
    result = CliRunner().invoke(main, [name, "-h"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Usage: parallax {name} ")
    if name == "db":
        upgrade = CliRunner().invoke(main, ["db", "upgrade", "-h"])
        assert upgrade.exit_code == 0 and "--revision" in upgrade.stdout


@pytest.mark.parametrize("name", sorted(console.COMMANDS))
def test_the_help_summary_is_the_command_s_own(name):
    module, attribute, summary = console.COMMANDS[name]
    command = getattr(__import__(module, fromlist=[attribute]), attribute)
    assert isinstance(command, click.Command)
    assert command.get_short_help_str(limit=200) == summary


def test_the_console_has_the_app_s_commands():
    from webapp import create_app

    app = create_app({"TESTING": True})
    assert set(console.COMMANDS) <= set(app.cli.list_commands(None))
