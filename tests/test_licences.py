"""The licence: declared, shipped, and the README's dependency table is the installed truth."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from click.testing import CliRunner

from webapp.console import main
from webapp.licences import licence_of
from webapp.licences import markdown_table
from webapp.licences import runtime_dependencies

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_licence_is_declared_and_shipped():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "Apache-2.0"
    assert project["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").lstrip().startswith("Apache License")
    assert "Version 2.0" in (ROOT / "LICENSE").read_text(encoding="utf-8")[:200]


def test_readme_table_matches_the_installed_packages():
    found = re.search(r"<!-- licences:start -->\n(.*?)<!-- licences:end -->", README, re.S)
    assert found, "README.md lacks the licences table markers"
    expected = markdown_table(runtime_dependencies())
    assert found.group(1) == expected, (
        "README.md's licence table is out of date: paste `parallax licences --markdown`"
    )


def test_no_runtime_dependency_is_gpl_only():
    for dependency in runtime_dependencies():
        licence = dependency.licence
        if "GPL" in licence.replace("LGPL", ""):
            # Allowed only as one choice among others (tld: MPL-1.1 OR GPL-2.0 OR LGPL-2.1+).
            assert " OR " in licence, dependency


def test_krippendorff_is_not_a_dependency():
    names = {dependency.name.lower() for dependency in runtime_dependencies()}
    assert "krippendorff" not in names
    requires = metadata.distribution("parallax").requires or []
    assert not [line for line in requires if line.lower().startswith("krippendorff")]


def test_the_command_lists_each_dependency_once():
    result = CliRunner().invoke(main, ["licences"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    names = [line.split()[0] for line in lines]
    assert len(names) == len(set(names))
    assert "Flask" in names and "SQLAlchemy" in names


def test_licence_of_reads_an_spdx_expression():
    assert licence_of(metadata.distribution("flask")) == "BSD-3-Clause"
