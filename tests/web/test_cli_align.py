from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotations.text.ingest import read_document
from webapp import cli
from webapp import create_app
from webapp.cli import main

ROOT = Path(__file__).resolve().parents[2]
SEED_A = ROOT / "seeds" / "000_934de63c848709fa.txt"
SEED_B = ROOT / "seeds" / "004_c1ee273f4eb3ca13.txt"
DATA = ROOT / "tests" / "data"


@pytest.fixture
def cli_app(tmp_path):
    # A database URL that cannot be opened: `align` must never touch the database.
    database = tmp_path / "no-such-dir" / "parallax.sqlite3"
    app = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{database}"},
        instance_path=str(tmp_path / "instance"),
    )
    yield app
    assert not database.parent.exists()


@pytest.fixture
def align(cli_app):
    runner = cli_app.test_cli_runner()

    def invoke(*args):
        return runner.invoke(args=["align", *map(str, args)])

    return invoke


@pytest.fixture(scope="module")
def seed_docs():
    return read_document(SEED_A), read_document(SEED_B)


def assert_user_error(result, *fragments):
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n")
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.stderr


# A pair small enough to align by hand: the first two sentences of A and B tell the same
# facts; A's advert and B's slogan have no counterpart (2 pairs, 1 only in A, 1 only in B).
SMALL_A = (
    "Trump called Takaichi on Tuesday evening. The call lasted ten minutes, officials said."
    "\n\nJoin a premium crypto trading community free for 30 days.\n"
)
SMALL_B = (
    "Trump called Takaichi on Tuesday night from Air Force One. The call lasted just ten"
    " minutes.\n\nMake Japan Great Again, the placards read.\n"
)
PAIRS = [
    (
        "Trump called Takaichi on Tuesday evening.",
        "Trump called Takaichi on Tuesday night from Air Force One.",
    ),
    ("The call lasted ten minutes, officials said.", "The call lasted just ten minutes."),
]
ONLY_A = "Join a premium crypto trading community free for 30 days."
ONLY_B = "Make Japan Great Again, the placards read."


@pytest.fixture
def small_pair(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(SMALL_A, encoding="utf-8")
    b.write_text(SMALL_B, encoding="utf-8")
    return a, b


def where(text, quote):
    start = text.index(quote)
    return [start, start + len(quote)]


def test_align_report_on_a_hand_aligned_pair(align, small_pair):
    path_a, path_b = small_pair
    result = align(path_a, path_b)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    report = result.stdout
    assert report.startswith(f"A: {path_a}\nB: {path_b}\n")
    assert report.splitlines()[-1] == "Summary: 2 pairs, 1 only in A, 1 only in B"
    # The first row of the first pair starts both passages, A left of the bar, B right.
    lines = report.splitlines()
    first_row = lines[next(i for i, line in enumerate(lines) if line.startswith("---")) + 1]
    left, right = first_row.split(" | ")
    assert left.split()[:3] == right.split()[:3] == ["Trump", "called", "Takaichi"]
    only_a = report.split("Only in A")[1].split("Only in B")[0]
    assert "crypto trading community" in only_a and "placards" not in only_a
    assert "placards read" in report.split("Only in B")[1]


def test_align_json_on_a_hand_aligned_pair(align, small_pair):
    path_a, path_b = small_pair
    result = align("--json", path_a, path_b)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["a", "b", "pairs", "only_a", "only_b"]
    assert data["a"] == {"path": str(path_a), "length": len(SMALL_A), "language": "en"}
    assert data["b"] == {"path": str(path_b), "length": len(SMALL_B), "language": "en"}
    # Offsets found in the test's own texts with str.index.
    assert [(pair["a"], pair["b"]) for pair in data["pairs"]] == [
        (where(SMALL_A, a), where(SMALL_B, b)) for a, b in PAIRS
    ]
    assert data["only_a"] == [where(SMALL_A, ONLY_A)]
    assert data["only_b"] == [where(SMALL_B, ONLY_B)]
    for pair in data["pairs"]:
        assert list(pair) == ["a", "b", "score", "kind", "evidence", "confidence"]
        assert 0 < pair["score"] <= 100


def test_align_json_on_seeds(align, seed_docs):
    result = align("--json", SEED_A, SEED_B)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    a, b = seed_docs
    assert list(data) == ["a", "b", "pairs", "only_a", "only_b"]
    assert data["a"] == {"path": str(SEED_A), "length": len(a.text), "language": "en"}
    assert data["b"] == {"path": str(SEED_B), "length": len(b.text), "language": "en"}
    for pair in data["pairs"]:
        assert list(pair) == ["a", "b", "score", "kind", "evidence", "confidence"]
        assert pair["evidence"] and pair["confidence"] in {"high", "medium", "low"}
        for side, doc in (("a", a), ("b", b)):
            start, end = pair[side]
            assert 0 <= start < end <= len(doc.text)
            assert doc.text[start:end].strip()
    assert "Join a premium crypto trading community" in a.text[slice(*data["only_a"][-1])]
    # Curly quotes stay readable instead of \\u escapes.
    assert "\\u" not in result.stdout


@pytest.mark.parametrize(("threshold", "value"), [("0", 0.0), ("55.5", 55.5), ("100", 100.0)])
def test_align_threshold_is_passed_on(align, small_pair, monkeypatch, threshold, value):
    received = []
    real = cli.align_documents

    def spy(a, b, **options):
        received.append(options)
        return real(a, b, **options)

    monkeypatch.setattr(cli, "align_documents", spy)
    result = align("--json", "--threshold", threshold, *small_pair)
    assert result.exit_code == 0, result.output
    assert received == [{"threshold": value}]


def test_align_threshold_decides_what_pairs(align, small_pair):
    # Counted by hand: at 100 a pair needs the same words unless it shares a rare number
    # (then 60), so the two first sentences, which differ and share no number, stay apart;
    # at 0 and at the default (25) they pair as the hand alignment says.
    first = (where(SMALL_A, PAIRS[0][0]), where(SMALL_B, PAIRS[0][1]))
    for options, paired in [
        ((), True),
        (("--threshold", "0"), True),
        (("--threshold", "100"), False),
    ]:
        result = align("--json", *options, *small_pair)
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert (first in [(pair["a"], pair["b"]) for pair in data["pairs"]]) is paired, options
        assert (first[0] in data["only_a"]) is not paired, options
        assert (first[1] in data["only_b"]) is not paired, options


def test_align_higher_threshold_pairs_less(align):
    counts = []
    for threshold in ("0", "100"):
        result = align("--json", "--threshold", threshold, SEED_A, SEED_B)
        counts.append(len(json.loads(result.stdout)["pairs"]))
    assert counts[0] > counts[1]


@pytest.mark.parametrize("width", [40, 72, 140])
def test_align_width(align, width):
    result = align("--width", str(width), SEED_A, SEED_B)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= width
    assert any(len(line) == width for line in lines)


def test_align_reads_html_and_markdown(align):
    result = align("--json", DATA / "article.html", DATA / "article.md")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    html_doc = read_document(DATA / "article.html")
    assert data["a"]["length"] == len(html_doc.text)


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("bad")
    files = {}
    files["empty"] = tmp_path / "empty.txt"
    files["empty"].write_bytes(b"")
    files["blank"] = tmp_path / "blank.md"
    files["blank"].write_bytes(b"  \n\n \t\n")
    files["undecodable"] = tmp_path / "undecodable.txt"
    files["undecodable"].write_bytes(b"Caf\xe9 \x81\x8d\x9d text")
    files["huge"] = tmp_path / "huge.txt"
    files["huge"].write_bytes(b"word " * (6 * 1024 * 1024 // 5))
    files["pdf"] = tmp_path / "article.pdf"
    files["pdf"].write_bytes(b"%PDF-1.7 some text")
    files["directory"] = tmp_path / "folder.txt"
    files["directory"].mkdir()
    files["binary"] = DATA / "binary.txt"
    files["missing"] = tmp_path / "missing.txt"
    return files


@pytest.mark.parametrize(
    ("kind", "fragment"),
    [
        ("missing", "file not found"),
        ("empty", "empty"),
        ("blank", "no text"),
        ("binary", "binary"),
        ("undecodable", "Windows-1252"),
        ("huge", "limit is 5.0 MB"),
        ("pdf", "unsupported file type '.pdf'"),
        ("directory", "not a regular file"),
    ],
)
@pytest.mark.parametrize("side", ["A", "B"])
def test_align_bad_input_is_one_line(align, bad_files, kind, fragment, side):
    bad = bad_files[kind]
    args = (bad, SEED_B) if side == "A" else (SEED_A, bad)
    result = align(*args)
    assert_user_error(result, fragment, str(bad))


@pytest.mark.parametrize(
    ("option", "value", "fragment"),
    [
        ("--threshold", "-1", "--threshold must be from 0 to 100, got -1"),
        ("--threshold", "100.5", "--threshold must be from 0 to 100"),
        ("--threshold", "abc", "--threshold must be a number from 0 to 100"),
        ("--width", "10", "--width must be at least 40, got 10"),
        ("--width", "wide", "--width must be a number"),
    ],
)
def test_align_bad_option_is_one_line(align, option, value, fragment):
    result = align(option, value, SEED_A, SEED_B)
    assert_user_error(result, fragment)


def test_parallax_group_lists_and_runs_align(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    help_result = runner.invoke(main, ["--help"])
    assert help_result.exit_code == 0
    assert "align" in help_result.stdout
    result = runner.invoke(main, ["align", "--json", str(SEED_A), str(SEED_B)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["a"]["path"] == str(SEED_A)


def test_console_script_bad_input_has_no_traceback(tmp_path):
    missing = tmp_path / "missing.txt"
    completed = subprocess.run(
        [sys.executable, "-c", "from webapp.cli import main; main()"]
        + ["align", str(missing), str(SEED_B)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr == f"Error: file not found: {missing}\n"


ENGLISH = (
    "Chancellor Olaf Scholz met President Emmanuel Macron in Paris on Friday. "
    "Car sales rose 4.5 percent. It rained."
)
GERMAN = (
    "Bundeskanzler Olaf Scholz hat am Freitag in Paris Präsident Emmanuel Macron getroffen. "
    "Die beiden sprachen über die Ukraine und den Handel. Der Umsatz stieg um 4,5 Prozent."
)
CROSS_NOTICE = "Cross-language comparison (en and de): only shared names, numbers and initialisms"


def test_align_says_when_the_comparison_is_cross_language(align, tmp_path):
    english, german = tmp_path / "en.txt", tmp_path / "de.txt"
    english.write_text(ENGLISH, encoding="utf-8")
    german.write_text(GERMAN, encoding="utf-8")
    report = align(english, german)
    assert report.exit_code == 0, report.output
    assert report.stdout.startswith(CROSS_NOTICE)
    assert "Olaf Scholz" in report.stdout
    as_json = align("--json", english, german)
    assert as_json.exit_code == 0, as_json.output
    assert as_json.stderr.startswith(CROSS_NOTICE)
    data = json.loads(as_json.stdout)
    assert (data["a"]["language"], data["b"]["language"]) == ("en", "de")
    # Names link the meeting, and a rare figure the sales, across the two languages.
    meeting, sales = data["pairs"]
    assert {"Olaf Scholz", "Emmanuel Macron", "Paris"} <= set(meeting["evidence"])
    assert ENGLISH[slice(*sales["a"])] == "Car sales rose 4.5 percent."
    assert sales["evidence"] == ["4.5 ≈ 4,5"]


def test_align_same_language_has_no_cross_language_notice(align):
    result = align(SEED_A, SEED_B)
    assert "Cross-language" not in result.output
