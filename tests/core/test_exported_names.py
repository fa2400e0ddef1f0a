"""Every core module says what it exports (``__all__``), and the web app uses nothing else."""

from __future__ import annotations

import ast
import importlib
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "annotations"
WEB = ROOT / "webapp"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


CORE_MODULES = sorted(CORE.rglob("*.py"))


@pytest.mark.parametrize("path", CORE_MODULES, ids=lambda p: str(p.relative_to(CORE)))
def test_every_core_module_declares_what_it_exports(path):
    module = importlib.import_module(module_name(path))
    exported = getattr(module, "__all__", None)
    if path.name == "__init__.py" and exported is None:
        # A package that only groups modules exports nothing by itself.
        own = [
            name
            for name, value in vars(module).items()
            if not name.startswith("_") and not isinstance(value, types.ModuleType)
        ]
        assert own == [], module.__name__
        return
    assert isinstance(exported, list), f"{module.__name__} has no __all__ list"
    assert len(exported) == len(set(exported)), f"{module.__name__}.__all__ repeats a name"
    missing = [name for name in exported if not hasattr(module, name)]
    assert missing == [], f"{module.__name__}.__all__ names what it lacks: {missing}"
    assert not [name for name in exported if name.startswith("_")]


def exported_by(dotted: str) -> set[str] | None:
    """Return the names a core module exports; None when it declares none (not yet)."""
    module = importlib.import_module(dotted)
    names = getattr(module, "__all__", None)
    return None if names is None else set(names)


def core_uses(path: Path) -> list[tuple[str, str, int]]:
    """Return (module, name, line) for each core name the file takes: imports and attributes."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: dict[str, str] = {}  # local name -> core module imported as a module
    uses = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("annotations")
        ):
            for alias in node.names:
                dotted = f"{node.module}.{alias.name}"
                try:
                    target = importlib.import_module(dotted)
                except ModuleNotFoundError:
                    target = None
                if isinstance(target, types.ModuleType):
                    modules[alias.asname or alias.name] = dotted
                else:
                    uses.append((node.module, alias.name, node.lineno))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("annotations"):
                    assert alias.asname, f"{path}: import {alias.name} as a short name"
                    modules[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
        ):
            uses.append((modules[node.value.id], node.attr, node.lineno))
    return uses


@pytest.mark.parametrize("path", sorted(WEB.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_web_app_uses_only_exported_core_names(path):
    wrong = []
    for dotted, name, line in core_uses(path):
        exported = exported_by(dotted)
        if exported is not None and name not in exported:
            wrong.append(f"line {line}: {dotted}.{name}")
    assert wrong == [], f"{path.relative_to(ROOT)} uses core names outside __all__: {wrong}"


def test_the_check_sees_a_private_name():
    # The checker itself: a file reaching for a private table must be caught.
    uses = core_uses(CORE / "storage" / "listing.py")
    assert ("annotations.storage._tables", "ANNOTATION_ORDER") in {(m, n) for m, n, _ in uses}
    assert "ANNOTATION_ORDER" not in exported_by("annotations.storage.listing")
