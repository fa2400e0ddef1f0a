from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.align import align_documents
from annotations.formats import alignment_to_json
from annotations.ingest import ingest_text
from annotations.ingest import read_document
from annotations.records import Alignment
from annotations.records import AlignSettings
from annotations.records import DocumentMeta
from annotations.records import PassagePair
from annotations.records import Span
from annotations.reports import format_alignment_text

ROOT = Path(__file__).resolve().parents[2]
SEED_A = ROOT / "seeds" / "000_934de63c848709fa.txt"
SEED_B = ROOT / "seeds" / "004_c1ee273f4eb3ca13.txt"

LONG_WORD = "https://example.com/" + "x" * 140

TEXT_A = (
    "The prime minister\u2019s call was \u201cgood and candid\u201d \u2014 she said so twice. "
    "Officials later published a transcript.\n\n"
    f"Read more at {LONG_WORD} today."
)
TEXT_B = (
    "She called the talk \u201cgood and candid\u201d \u2014 a phrase she repeated. "
    "Critics called the call a stunt."
)


def find(text: str, fragment: str) -> Span:
    start = text.index(fragment)
    return Span(start, start + len(fragment))


@pytest.fixture
def handmade():
    a = ingest_text(TEXT_A, path="a.txt", meta=DocumentMeta(title="Report A"))
    b = ingest_text(TEXT_B, path="b.txt")
    pair_a = find(TEXT_A, TEXT_A.split(" Officials")[0])
    pair_b = find(
        TEXT_B, "She called the talk \u201cgood and candid\u201d \u2014 a phrase she repeated."
    )
    alignment = Alignment(
        pairs=(PassagePair(pair_a, pair_b, 87.26, "paraphrase", (0,), (0,)),),
        only_a=(
            find(TEXT_A, "Officials later published a transcript."),
            find(TEXT_A, f"Read more at {LONG_WORD} today."),
        ),
        only_b=(find(TEXT_B, "Critics called the call a stunt."),),
        settings=AlignSettings(threshold=30.0, near_best=0.6, version="test"),
    )
    return alignment, a, b


@pytest.fixture(scope="module")
def seeds():
    a = read_document(SEED_A)
    b = read_document(SEED_B)
    return align_documents(a, b), a, b


def test_alignment_json_exact(handmade):
    alignment, a, b = handmade
    pair_a, pair_b = alignment.pairs[0].a, alignment.pairs[0].b
    assert alignment_to_json(alignment, a, b) == {
        "a": {"path": "a.txt", "length": len(TEXT_A)},
        "b": {"path": "b.txt", "length": len(TEXT_B)},
        "pairs": [
            {
                "a": [pair_a.start, pair_a.end],
                "b": [pair_b.start, pair_b.end],
                "score": 87.3,
                "kind": "paraphrase",
            }
        ],
        "only_a": [s.as_list() for s in alignment.only_a],
        "only_b": [s.as_list() for s in alignment.only_b],
    }


def test_alignment_json_length_counts_code_points():
    text = "Emoji \U0001f600 here. And \u201cquotes\u201d."
    doc = ingest_text(text)
    empty = Alignment((), (), (), AlignSettings(30.0, 0.6, "test"))
    data = alignment_to_json(empty, doc, doc)
    assert data["a"]["length"] == len(text) != len(text.encode("utf-16-le")) // 2
    assert data["a"]["path"] == ""
    assert data["pairs"] == [] and data["only_a"] == [] and data["only_b"] == []


def check_shape(data, a, b):
    assert list(data) == ["a", "b", "pairs", "only_a", "only_b"]
    for side, doc in (("a", a), ("b", b)):
        assert list(data[side]) == ["path", "length"]
        assert isinstance(data[side]["path"], str)
        assert data[side]["length"] == len(doc.text)
    for pair in data["pairs"]:
        assert list(pair) == ["a", "b", "score", "kind"]
        assert isinstance(pair["score"], float)
        assert pair["score"] == round(pair["score"], 1)
        assert 0 <= pair["score"] <= 100
        assert pair["kind"] in {"identical", "paraphrase", "partial"}
        for side, doc in (("a", a), ("b", b)):
            start, end = pair[side]
            assert isinstance(start, int) and isinstance(end, int)
            assert 0 <= start < end <= len(doc.text)
            assert doc.text[start:end].strip()
    for key, doc in (("only_a", a), ("only_b", b)):
        for start, end in data[key]:
            assert isinstance(start, int) and isinstance(end, int)
            assert 0 <= start < end <= len(doc.text)
            assert doc.text[start:end].strip()


def test_alignment_json_shape_on_seeds(seeds):
    alignment, a, b = seeds
    data = alignment_to_json(alignment, a, b)
    check_shape(data, a, b)
    assert data["a"]["path"] == str(SEED_A)
    assert len(data["pairs"]) == len(alignment.pairs) > 0
    assert len(data["only_a"]) == len(alignment.only_a) > 0
    assert len(data["only_b"]) == len(alignment.only_b) > 0
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


# --- text report ----------------------------------------------------------------------------


def split_columns(line: str, column: int) -> tuple[str, str]:
    # Lines are right-stripped, so a row with an empty right column ends at the bar.
    assert line.ljust(column + 3)[column : column + 3] == " | ", line
    assert line == line.rstrip()
    return line[:column], line[column + 3 :]


def pair_rows(report: str) -> list[str]:
    rows, inside = [], False
    for line in report.splitlines():
        if line.startswith("----"):
            inside = True
        elif not line:
            inside = False
        elif inside:
            rows.append(line)
    return rows


@pytest.mark.parametrize("width", [50, 80, 100, 131])
def test_report_columns_stay_in_place(handmade, width):
    alignment, a, b = handmade
    report = format_alignment_text(alignment, a, b, width=width)
    column = (width - 3) // 2
    rows = pair_rows(report)
    assert rows
    left = " ".join(split_columns(row, column)[0].strip() for row in rows)
    right = " ".join(split_columns(row, column)[1].strip() for row in rows)
    assert left.split() == alignment.pairs[0].a.slice(a.text).split()
    assert right.split() == alignment.pairs[0].b.slice(b.text).split()
    for line in report.splitlines():
        assert len(line) <= width, line


def test_report_sections_and_summary(handmade):
    alignment, a, b = handmade
    report = format_alignment_text(alignment, a, b)
    lines = report.splitlines()
    assert lines[0] == "A: a.txt - Report A"
    assert lines[1] == "B: b.txt"
    assert "score 87.3, paraphrase" in report
    only_a = report.index("Only in A (2)")
    only_b = report.index("Only in B (1)")
    assert only_a < only_b
    assert "Officials later published a transcript." in report[only_a:only_b]
    assert "Critics called the call a stunt." in report[only_b:]
    # The long URL is broken across lines rather than overflowing.
    assert "x" * 140 not in report
    assert "".join(report[only_a:only_b].split()).count("x" * 140) == 1
    assert lines[-1] == "Summary: 1 pair, 2 only in A, 1 only in B"


def test_report_without_pairs(handmade):
    _, a, b = handmade
    empty = Alignment((), (), (), AlignSettings(30.0, 0.6, "test"))
    report = format_alignment_text(empty, a, b)
    assert "No passages of A and B match." in report
    assert "Only in A (0)" in report and "(none)" in report
    assert report.splitlines()[-1] == "Summary: 0 pairs, 0 only in A, 0 only in B"


def test_report_on_seeds(seeds):
    alignment, a, b = seeds
    report = format_alignment_text(alignment, a, b, width=100)
    assert all(len(line) <= 100 for line in report.splitlines())
    assert report.splitlines()[-1].startswith(f"Summary: {len(alignment.pairs)} pair")
    assert report.count("\nPair ") == len(alignment.pairs)
    only_b = report.index("Only in B")
    for span in alignment.only_a:
        first_words = " ".join(span.slice(a.text).split()[:3])
        assert first_words in report[:only_b]
    assert "Join a premium crypto trading community" in report
