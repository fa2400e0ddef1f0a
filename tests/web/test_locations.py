from __future__ import annotations

from pathlib import Path

import platformdirs

from webapp import create_app
from webapp import locations


def test_a_checkout_keeps_its_instance_folder(monkeypatch):
    monkeypatch.delenv("PARALLAX_INSTANCE", raising=False)
    root = locations.checkout_root()
    assert root is not None and (root / "pyproject.toml").is_file()
    assert locations.default_instance_path() == root / "instance"
    assert (locations.seeds_dir() / "manifest.json").is_file()
    assert (locations.migrations_dir() / "script.py.mako").is_file()


def test_an_installed_copy_uses_a_per_user_folder(monkeypatch):
    monkeypatch.delenv("PARALLAX_INSTANCE", raising=False)
    monkeypatch.setattr(locations, "checkout_root", lambda: None)
    expected = Path(platformdirs.user_data_dir("parallax", appauthor=False))
    assert locations.default_instance_path() == expected


def test_parallax_instance_overrides_the_folder(monkeypatch, tmp_path):
    chosen = tmp_path / "school" / "instance"
    monkeypatch.setenv("PARALLAX_INSTANCE", str(chosen))
    app = create_app({"TESTING": True})
    assert Path(app.instance_path) == chosen
    assert chosen.is_dir()
    assert app.config["DATABASE_URL"] == f"sqlite:///{chosen / 'parallax.sqlite3'}"
