"""The built-in tag sets live as JSON files in the framing package and load like imports."""

from __future__ import annotations

import json
import tomllib
from importlib.resources import files
from pathlib import Path

import pytest

from annotations.framing import taxonomy

TAGSETS = files("annotations.framing").joinpath("tagsets")
FILES = sorted(path.name for path in TAGSETS.iterdir() if path.name.endswith(".json"))


def test_every_file_is_a_builtin_set_and_every_builtin_set_has_a_file():
    assert FILES == sorted(f"{tag_set.key}.json" for tag_set in taxonomy.builtin_tag_sets())
    assert taxonomy.builtin_tag_sets()[0].key == taxonomy.DEFAULT_TAG_SET_KEY


@pytest.mark.parametrize("name", FILES)
def test_each_file_passes_the_import_checks_and_is_written_as_export_writes_it(name):
    data = json.loads(TAGSETS.joinpath(name).read_text(encoding="utf-8"))
    tag_set = taxonomy.tag_set_from_json(data)
    assert taxonomy.get_builtin(tag_set.key) == tag_set
    # The file holds exactly the export of what it loads as: no field is dropped or extra.
    assert taxonomy.tag_set_to_json(tag_set) == data


@pytest.mark.parametrize(
    ("key", "count", "first"),
    [
        ("media-literacy", 12, "slogan"),
        ("policy-frames", 15, None),
        ("persuasion-techniques", 23, None),
    ],
)
def test_builtin_sets_keep_their_size_and_shortcut_order(key, count, first):
    tag_set = taxonomy.get_builtin(key)
    assert tag_set is not None
    assert len(tag_set.tags) == count
    assert [tag.shortcut for tag in tag_set.tags] == list(taxonomy.SHORTCUT_ORDER[:count])
    assert tag_set.version == 1
    assert tag_set.source
    if first is not None:
        assert tag_set.tags[0].key == first


def test_the_files_are_package_data():
    pyproject = tomllib.loads(
        (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    )
    assert (
        "tagsets/*.json" in pyproject["tool"]["setuptools"]["package-data"]["annotations.framing"]
    )
