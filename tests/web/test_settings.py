"""webapp.settings holds every default; the factory loads it and README's table matches it."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from webapp import create_app
from webapp import settings

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_rows():
    """Return {setting: default cell} from the table under README's "## Configuration"."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        match = re.fullmatch(r"`([A-Z_]+)`", cells[0]) if len(cells) == 3 else None
        if match:
            rows[match.group(1)] = cells[1]
    return rows


def test_readme_lists_exactly_the_settings_in_their_order():
    assert list(readme_rows()) == [setting.name for setting in settings.SETTINGS]


@pytest.mark.parametrize("setting", settings.SETTINGS, ids=lambda setting: setting.name)
def test_readme_shows_each_default_as_settings_holds_it(setting):
    assert readme_rows()[setting.name] == setting.default_text


def test_the_factory_starts_from_exactly_these_defaults(tmp_path, monkeypatch):
    for name in [name for name in os.environ if name.startswith("PARALLAX_")]:
        monkeypatch.delenv(name)
    app = create_app(instance_path=str(tmp_path))
    expected = settings.defaults(str(tmp_path))
    # The one default the factory replaces: no key means a random one kept in the instance.
    assert expected.pop("SECRET_KEY") is None
    assert app.config["SECRET_KEY"] == (tmp_path / "secret_key").read_text().strip()
    assert {name: app.config[name] for name in expected} == expected
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path}/parallax.sqlite3"
    assert Path(app.config["SEEDS_DIR"], "manifest.json").is_file()
    assert expected["IMPORT_MAX_BYTES"] == 32 * 1024 * 1024
