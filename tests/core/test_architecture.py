"""The core stays framework-free, and the product never uses difflib."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "annotations").glob("*.py")), ids=lambda p: p.name)
def test_core_imports_no_web_framework(path):
    assert not imported_modules(path) & {"flask", "flask_wtf", "wtforms", "webapp", "werkzeug"}


def test_product_never_imports_difflib():
    for package in ("annotations", "webapp"):
        for path in (ROOT / package).rglob("*.py"):
            assert "difflib" not in imported_modules(path), path
