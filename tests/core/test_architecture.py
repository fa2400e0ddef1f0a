"""The core stays framework-free, its packages stack in one order, and the product never uses
difflib."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "annotations"

# Bottom to top: a package may import only those before it (records and errors sit below all).
LAYERS = ("text", "framing", "storage", "classroom", "exchange")
BASE_MODULES = {"records", "errors"}


def imported_names(path: Path) -> set[str]:
    """Return the dotted names of every absolute import in ``path``."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def imported_modules(path: Path) -> set[str]:
    return {name.split(".")[0] for name in imported_names(path)}


def core_modules() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


@pytest.mark.parametrize("path", core_modules(), ids=lambda p: str(p.relative_to(CORE)))
def test_core_imports_no_web_framework(path):
    assert not imported_modules(path) & {"flask", "flask_wtf", "wtforms", "webapp", "werkzeug"}


def test_core_is_grouped_into_the_layer_packages():
    loose = {p.stem for p in CORE.glob("*.py")} - {"__init__"}
    assert loose == BASE_MODULES
    packages = {p.name for p in CORE.iterdir() if (p / "__init__.py").exists()}
    assert packages == set(LAYERS)


def layer_of(dotted: str) -> int | None:
    """Return the layer index a dotted ``annotations.…`` name belongs to (None: base or API)."""
    parts = dotted.split(".")
    if parts[0] != "annotations" or len(parts) < 2 or parts[1] not in LAYERS:
        return None
    return LAYERS.index(parts[1])


@pytest.mark.parametrize(
    "path",
    [p for p in core_modules() if p.parent.name in LAYERS],
    ids=lambda p: str(p.relative_to(CORE)),
)
def test_core_packages_import_only_those_below(path):
    own = LAYERS.index(path.parent.name)
    layers = {name: layer_of(name) for name in imported_names(path)}
    above = sorted(name for name, layer in layers.items() if layer is not None and layer > own)
    assert above == [], f"{path.relative_to(CORE)} imports a package above it: {above}"
    # The curated API in annotations/__init__.py is the top; nothing inside imports from it.
    allowed = BASE_MODULES | set(LAYERS)
    names = imported_names(path)
    from_api = {n.split(".")[1] for n in names if n.count(".") == 1 and n[:12] == "annotations."}
    assert from_api <= allowed


@pytest.mark.parametrize("name", sorted(BASE_MODULES))
def test_base_modules_import_no_layer(name):
    path = CORE / f"{name}.py"
    assert [n for n in imported_names(path) if layer_of(n) is not None] == []


def test_product_never_imports_difflib():
    for package in ("annotations", "webapp"):
        for path in (ROOT / package).rglob("*.py"):
            assert "difflib" not in imported_modules(path), path
