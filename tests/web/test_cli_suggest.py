"""``parallax suggest A [B]``: text and JSON output, tag sets, bad input, a light start."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotations.framing.taxonomy import PERSUASION_TECHNIQUES
from annotations.framing.taxonomy import tag_set_to_json
from tests.web.test_console import loaded_modules
from webapp.cli import main

ROOT = Path(__file__).resolve().parents[2]
SEED_A = ROOT / "seeds" / "000_934de63c848709fa.txt"
SEED_B = ROOT / "seeds" / "004_c1ee273f4eb3ca13.txt"

# An emoji before the advert: offsets must count it as one code point, not two.
ARTICLE = (
    "🚲 Cycling to school doubled in Avery this year.\n\n"
    "Critics say the new lanes are too narrow.\n\n"
    "The council counted 1,240 bicycles at the school gates on a Tuesday in May, against 610 "
    "on the same day last year, and plans to paint two more lanes before the winter.\n\n"
    "Subscribe today for just $2 a week and get the Avery Star at your door."
)


def run(*args):
    return CliRunner().invoke(main, ["suggest", *map(str, args)])


def assert_user_error(result, *fragments):
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.stderr


def test_json_has_the_documented_shape_with_code_point_offsets(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    result = run(path, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["a", "b", "tag_set", "suggestions"]
    assert data["a"] == {"path": str(path), "length": len(ARTICLE)}
    assert data["b"] is None and data["tag_set"] == "media-literacy"
    advert = "Subscribe today for just $2 a week and get the Avery Star at your door."
    start = ARTICLE.index(advert)
    assert {
        "document": "a",
        "start": start,
        "end": start + len(advert),
        "quote": advert,
        "tag": "promotional",
        "tag_name": "Promotional or advertising content",
    }.items() <= next(s for s in data["suggestions"] if s["tag"] == "promotional").items()
    for item in data["suggestions"]:
        assert list(item) == [
            "document",
            "start",
            "end",
            "quote",
            "tag",
            "tag_name",
            "reason",
            "score",
        ]
        assert ARTICLE[item["start"] : item["end"]] == item["quote"]
        assert 0 <= item["score"] <= 1


def test_two_seed_articles_give_sorted_suggestions_for_both(tmp_path):
    result = run(SEED_A, SEED_B, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["b"]["path"] == str(SEED_B)
    order = [(s["document"], s["start"]) for s in data["suggestions"]]
    assert order == sorted(order) and {d for d, _ in order} == {"a", "b"}
    slogans = [s["quote"] for s in data["suggestions"] if s["tag"] == "slogan"]
    assert "Make Japan Great Again" in slogans


def test_text_output_names_each_suggestion_with_its_reason(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    result = run(path)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"A: {path} (2 suggestions)"
    start = ARTICLE.index("Critics say")
    assert f"A [{start}, {start + 11}) vague-source 0.85: Critics say" in lines
    assert "  vague source: 'Critics say' names no one you could check" in lines


def test_another_built_in_set_or_a_tag_set_file_is_used(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    result = run(path, "--json", "--tag-set", "persuasion-techniques")
    data = json.loads(result.stdout)
    assert data["tag_set"] == "persuasion-techniques"
    assert [s["tag"] for s in data["suggestions"]] == ["obfuscation-or-vagueness"]
    file = tmp_path / "set.json"
    file.write_text(json.dumps(tag_set_to_json(PERSUASION_TECHNIQUES)), encoding="utf-8")
    from_file = json.loads(run(path, "--json", "--tag-set", file).stdout)
    assert from_file == data


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["no-such-file.txt"], ["file not found: no-such-file.txt"]),
        (["{a}", "--tag-set", "nope"], ["no built-in tag set 'nope'", "media-literacy"]),
        (["{a}", "--tag-set", "missing.json"], ["cannot read missing.json"]),
        (["{a}", "--tag-set", "{bad}"], ["not JSON"]),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, args, fragments):
    a = tmp_path / "a.txt"
    a.write_text(ARTICLE, encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = run(*[arg.format(a=a, bad=bad) for arg in args])
    assert_user_error(result, *fragments)


def test_a_binary_file_is_refused_in_one_line(tmp_path):
    result = run(ROOT / "tests" / "data" / "binary.txt")
    assert_user_error(result, "binary.txt")


def test_suggesting_imports_no_web_app(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    output, modules = loaded_modules(tmp_path, "suggest", "a.txt")
    assert "Critics say" in output
    assert not modules & {"flask", "sqlalchemy", "trafilatura", "werkzeug", "alembic"}
