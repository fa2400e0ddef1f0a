"""Parallax imports on Windows and macOS too: no POSIX-only module at a module's top level."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
POSIX_ONLY = {"fcntl", "resource", "pwd", "grp", "termios", "tty", "pty", "posix", "crypt"}
SOURCES = sorted(
    path for package in ("annotations", "webapp") for path in (ROOT / package).rglob("*.py")
)


def top_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_posix_only_module_at_import_time(path):
    assert not top_level_imports(path) & POSIX_ONLY


def test_the_check_sees_a_posix_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nimport fcntl\n\ndef f():\n    import resource\n")
    assert top_level_imports(sample) & POSIX_ONLY == {"fcntl"}
