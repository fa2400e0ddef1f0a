"""``parallax licences``: the licence of every package a Parallax installation runs on.

Reads the installed packages' metadata (``importlib.metadata``), following the requirements
of ``parallax`` down to the last dependency, without extras and for this platform.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import metadata

import click
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from webapp.console import HELP_OPTIONS

PROJECT = "parallax"
_CLASSIFIER = "License :: OSI Approved :: "
# Trove classifier names of the usual licences, shortened to their SPDX identifiers.
_SPDX = {
    "Apache Software License": "Apache-2.0",
    "BSD License": "BSD",
    "MIT License": "MIT",
    "ISC License (ISCL)": "ISC",
    "Python Software Foundation License": "PSF-2.0",
    "Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "GNU Lesser General Public License v3 (LGPLv3)": "LGPL-3.0",
    "Zope Public License": "ZPL-2.1",
    "The Unlicense (Unlicense)": "Unlicense",
}

_FILE_TITLES = {
    "MIT License": "MIT",
    "Apache License": "Apache-2.0",
    "BSD 3-Clause": "BSD-3-Clause",
}


@dataclass(frozen=True)
class Dependency:
    """An installed package Parallax needs at run time, and its licence."""

    name: str
    licence: str


def licence_of(distribution: metadata.Distribution) -> str:
    """Return a distribution's licence: its SPDX expression, else its classifiers or text."""
    meta = distribution.metadata
    expression = meta.get("License-Expression")
    if expression:
        return str(expression)
    classifiers = [
        _SPDX.get(value[len(_CLASSIFIER) :], value[len(_CLASSIFIER) :])
        for value in meta.get_all("Classifier") or []
        if value.startswith(_CLASSIFIER)
    ]
    if classifiers:
        return " OR ".join(sorted(set(classifiers)))
    text = str(meta.get("License") or "").strip()
    if text and "\n" not in text and len(text) <= 60:
        return text
    return _licence_file_title(distribution) or "unknown (see the package)"


def _licence_file_title(distribution: metadata.Distribution) -> str | None:
    # Some packages declare nothing in their metadata but ship a licence file that names it.
    for file in distribution.files or []:
        if not file.name.upper().startswith(("LICENSE", "LICENCE", "COPYING")):
            continue
        try:
            lines = file.read_text(encoding="utf-8").strip().splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        first = lines[0].strip() if lines else ""
        for title, spdx in _FILE_TITLES.items():
            if first.startswith(title):
                return f"{spdx} (its licence file)"
    return None


def runtime_dependencies(project: str = PROJECT) -> list[Dependency]:
    """Return every package ``project`` needs at run time, found through its requirements."""
    seen: dict[str, Dependency] = {}
    pending = [(project, frozenset[str]())]
    while pending:
        name, extras = pending.pop()
        distribution = metadata.distribution(name)
        for line in distribution.requires or []:
            requirement = Requirement(line)
            environments = [{"extra": extra} for extra in extras] or [{"extra": ""}]
            if requirement.marker is not None and not any(
                requirement.marker.evaluate(environment) for environment in environments
            ):
                continue
            key = canonicalize_name(requirement.name)
            if key in seen:
                continue
            try:
                found = metadata.distribution(requirement.name)
            except metadata.PackageNotFoundError:
                continue
            seen[key] = Dependency(str(found.metadata["Name"]), licence_of(found))
            pending.append((requirement.name, frozenset(requirement.extras)))
    return sorted(seen.values(), key=lambda dependency: dependency.name.lower())


def markdown_table(dependencies: list[Dependency]) -> str:
    """Return the dependencies as a Markdown table."""
    rows = ["| Package | Licence |", "| --- | --- |"]
    rows += [f"| {d.name} | {re.sub(r'[|]', '/', d.licence)} |" for d in dependencies]
    return "\n".join(rows) + "\n"


@click.command("licences", context_settings=HELP_OPTIONS)
@click.option("--markdown", is_flag=True, help="Print a Markdown table (the README's).")
def licences_command(markdown: bool) -> None:
    """List the licence of every package Parallax runs on."""
    dependencies = runtime_dependencies()
    if markdown:
        click.echo(markdown_table(dependencies), nl=False)
        return
    width = max(len(dependency.name) for dependency in dependencies)
    for dependency in dependencies:
        click.echo(f"{dependency.name:<{width}}  {dependency.licence}")
