"""The package metadata: every package folder ships, and the data the app reads is listed."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_package_folder_is_listed():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("annotations", "webapp")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert found, "no package found"
    missing = found - listed
    assert not missing, f"add these to [tool.setuptools] packages in pyproject.toml: {missing}"


def test_migrations_and_seeds_ship_in_the_package():
    setuptools = PYPROJECT["tool"]["setuptools"]
    assert {"webapp.migrations", "webapp.migrations.versions", "webapp.seeds"} <= set(
        setuptools["packages"]
    )
    assert setuptools["package-dir"]["webapp.seeds"] == "seeds"
    assert "script.py.mako" in setuptools["package-data"]["webapp.migrations"]
    seeds = ROOT / setuptools["package-dir"]["webapp.seeds"]
    patterns = setuptools["package-data"]["webapp.seeds"]
    shipped = {path.name for pattern in patterns for path in seeds.glob(pattern)}
    assert {path.name for path in seeds.iterdir() if path.is_file()} == shipped


def test_alembic_is_not_configured_in_pyproject():
    # An installed wheel has no pyproject.toml: the configuration lives in webapp/db.py.
    assert "alembic" not in PYPROJECT.get("tool", {})
