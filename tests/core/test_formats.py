from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from annotations.errors import AnnotationError
from annotations.errors import ImportFormatError
from annotations.exchange.exporting import alignment_to_json
from annotations.exchange.exporting import iter_alignment_csv
from annotations.exchange.exporting import iter_csv
from annotations.exchange.exporting import iter_json
from annotations.exchange.exporting import iter_w3c
from annotations.exchange.exporting import record_to_w3c
from annotations.exchange.formats import CSV_COLUMNS
from annotations.exchange.importing import read_annotations
from annotations.exchange.reports import format_alignment_text
from annotations.records import Alignment
from annotations.records import AlignSettings
from annotations.records import AnnotationRecord
from annotations.records import DocumentMeta
from annotations.records import LinkTarget
from annotations.records import PassagePair
from annotations.records import Span
from annotations.text.align import align_documents
from annotations.text.ingest import ingest_text
from annotations.text.ingest import read_document

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
        pairs=(
            PassagePair(
                pair_a, pair_b, 87.26, "paraphrase", (0,), (0,), ("good", "candid"), "medium"
            ),
        ),
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
        "a": {"path": "a.txt", "length": len(TEXT_A), "language": "en"},
        "b": {"path": "b.txt", "length": len(TEXT_B), "language": "en"},
        "pairs": [
            {
                "a": [pair_a.start, pair_a.end],
                "b": [pair_b.start, pair_b.end],
                "score": 87.3,
                "kind": "paraphrase",
                "evidence": ["good", "candid"],
                "confidence": "medium",
            }
        ],
        "only_a": [s.as_list() for s in alignment.only_a],
        "only_b": [s.as_list() for s in alignment.only_b],
    }


def test_alignment_stored_without_evidence_gets_it_from_the_texts(handmade):
    alignment, a, b = handmade
    old = dataclasses.replace(
        alignment,
        pairs=tuple(dataclasses.replace(p, evidence=(), confidence=None) for p in alignment.pairs),
    )
    (pair,) = alignment_to_json(old, a, b)["pairs"]
    # The two passages share "good" and "candid" (and nothing else but function words).
    assert set(pair["evidence"]) == {"good", "candid"}
    assert pair["confidence"] == "low"
    assert pair["kind"] == "partial"


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
        assert list(data[side]) == ["path", "length", "language"]
        assert isinstance(data[side]["path"], str)
        assert data[side]["length"] == len(doc.text)
    for pair in data["pairs"]:
        assert list(pair) == ["a", "b", "score", "kind", "evidence", "confidence"]
        assert pair["evidence"] and all(isinstance(item, str) for item in pair["evidence"])
        assert pair["confidence"] in {"high", "medium", "low"}
        assert pair["kind"] != "paraphrase" or pair["confidence"] != "low"
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


def test_report_gives_each_pair_its_confidence_and_evidence(seeds):
    alignment, a, b = seeds
    report = format_alignment_text(alignment, a, b, width=100)
    headers = [line for line in report.splitlines() if line.startswith("Pair ")]
    evidence = [line for line in report.splitlines() if line.startswith("Evidence: ")]
    assert len(evidence) == len(headers) == len(alignment.pairs)
    for pair, header, line in zip(alignment.pairs, headers, evidence, strict=True):
        assert f", {pair.confidence} confidence, " in header
        # The first item of evidence is cited as the pair carries it.
        assert line.startswith(f"Evidence: {pair.evidence[0]}")


# --- annotation records ---------------------------------------------------------------------

UUID_1 = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
UUID_2 = "6fa459ea-ee8a-3ca4-894e-db77e160355e"
BASE = "https://parallax.example.org"
EMOJI = "\U0001f600"  # outside the BMP: one code point, two UTF-16 units


def make_record(**overrides) -> AnnotationRecord:
    values = dict(
        id=UUID_1,
        comparison_id=3,
        comparison_title="Takaichi\u2013Trump call",
        document_id=7,
        document_title="Report A",
        outlet="Wire",
        document_url="https://news.example/a",
        document_hash="ab" * 32,
        annotator="Ms Sato",
        exercise_id=None,
        tag_set="media-literacy",
        tags=(("loaded-language", "Loaded language"),),
        start=10,
        end=27,
        quote="\u201cgood and candid\u201d",
        prefix="The call was ",
        suffix=" \u2014 she said",
        note="",
        status="human",
        relation=None,
        link=None,
        created="2025-10-25T09:00:00+00:00",
        updated="2025-10-25T09:05:00+00:00",
    )
    values.update(overrides)
    return AnnotationRecord(**values)


LINK = LinkTarget(document_id=8, document_title="Report B", start=4, end=9, quote="calm" + EMOJI)


def varied_records() -> list[AnnotationRecord]:
    return [
        make_record(),
        make_record(
            id=UUID_2,
            quote=f"smile {EMOJI} now",
            start=0,
            end=len(f"smile {EMOJI} now"),
            prefix="",
            suffix="",
            note=f'Why {EMOJI}? Because,\n"quoted" text.',
            tags=(("loaded-language", "Loaded language"), ("omission", "Omission")),
            relation="b-softens",
            link=LINK,
            annotator="",
            exercise_id=12,
        ),
        make_record(
            id="3f2c9a1e-0000-4000-8000-000000000003",
            comparison_id=None,
            comparison_title="",
            document_url="",
            outlet="",
            status="suggested",
            created="",
            updated="",
        ),
    ]


def joined(chunks) -> str:
    return "".join(chunks)


def csv_rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


# --- CSV ------------------------------------------------------------------------------------


def test_csv_header_bom_and_rows():
    records = varied_records()
    text = joined(iter_csv(records))
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    rows = csv_rows(text)
    assert rows[0] == list(CSV_COLUMNS)
    assert rows[0][:3] == ["annotation_id", "comparison_id", "comparison"]
    assert rows[0][-1] == "updated" and len(rows[0]) == 25
    assert len(rows) == 1 + len(records)
    assert all(len(row) == 25 for row in rows)
    assert text.count("\r\n") >= len(rows)


def test_csv_row_by_hand():
    record = make_record(
        quote="a, b",
        start=0,
        end=4,
        prefix="",
        suffix="",
        tags=(("x", "X one"), ("y", "Y two")),
        relation="b-adds",
        link=LinkTarget(8, "B", 1, 2, "q"),
    )
    text = joined(iter_csv([record]))
    line = text.split("\r\n")[1]
    # Written by hand: only "a, b" needs quoting; None (exercise_id) is empty.
    assert line == (
        f"{UUID_1},3,Takaichi\u2013Trump call,7,Report A,Wire,Ms Sato,,media-literacy,"
        'x; y,X one; Y two,0,4,"a, b",,,8,1,2,q,b-adds,,human,'
        "2025-10-25T09:00:00+00:00,2025-10-25T09:05:00+00:00"
    )


def test_csv_keeps_non_ascii_emoji_and_awkward_quotes():
    awkward = 'She said, "no"\nthen left \u2014 caf\u00e9 ' + EMOJI
    record = make_record(quote=awkward, start=0, end=len(awkward), note="line1\r\nline2")
    rows = csv_rows(joined(iter_csv([record])))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["quote"] == awkward
    assert row["note"] == "line1\r\nline2"
    assert row["comparison"] == "Takaichi\u2013Trump call"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_guards_formula_cells(start):
    evil = start + 'HYPERLINK("http://x")'
    record = make_record(quote=evil, start=0, end=len(evil), note=evil, annotator=evil)
    row = dict(zip(*csv_rows(joined(iter_csv([record]))), strict=True))
    for column in ("quote", "note", "annotator"):
        assert row[column] == "'" + evil
    assert row["start"] == "0"  # numbers are not text cells


def test_csv_leaves_safe_text_alone():
    record = make_record(note="1+1=2, a -> b")
    row = dict(zip(*csv_rows(joined(iter_csv([record]))), strict=True))
    assert row["note"] == "1+1=2, a -> b"


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_csv_cell_text_survives(text):
    record = make_record(note=text)
    row = dict(zip(*csv_rows(joined(iter_csv([record]))), strict=True))
    guarded = text[:1] in ("=", "+", "-", "@", "\t", "\r")
    assert row["note"] == ("'" + text if guarded else text)


def reference_csv_row(record: AnnotationRecord) -> list[object]:
    """The row as csv.writer is given it: the guard of iter_csv's docstring, None empty."""

    def guard(value: object) -> object:
        if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            return "'" + value
        return "" if value is None else value

    link = record.link
    cells = [
        record.id, record.comparison_id, record.comparison_title, record.document_id,
        record.document_title, record.outlet, record.annotator, record.exercise_id,
        record.tag_set, "; ".join(key for key, _ in record.tags),
        "; ".join(name for _, name in record.tags), record.start, record.end, record.quote,
        record.prefix, record.suffix, link and link.document_id, link and link.start,
        link and link.end, link and link.quote, record.relation, record.note, record.status,
        record.created, record.updated,
    ]  # fmt: skip
    return [guard(cell) for cell in cells]


awkward_text = st.text(alphabet=st.sampled_from('ab ,"\r\n=+-@\t\u00e9\U0001f642'), max_size=12)


@settings(max_examples=150, deadline=None)
@given(
    texts=st.lists(awkward_text, min_size=12, max_size=12),
    linked=st.booleans(),
    numbers=st.lists(st.none() | st.integers(0, 99), min_size=2, max_size=2),
)
def test_csv_is_what_csv_writer_writes(texts, linked, numbers):
    record = make_record(
        id=texts[0], comparison_title=texts[1], document_title=texts[2], outlet=texts[3],
        annotator=texts[4], tags=((texts[5], texts[6]), ("k", "K")), quote=texts[7],
        prefix=texts[8], suffix=texts[9], note=texts[10], created=texts[11],
        comparison_id=numbers[0], exercise_id=numbers[1],
        relation=texts[5] if linked else None,
        link=LinkTarget(8, "B", 1, 2, texts[6]) if linked else None,
    )  # fmt: skip
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows([reference_csv_row(record), reference_csv_row(make_record())])
    assert joined(iter_csv([record, make_record()])) == "\ufeff" + buffer.getvalue()


def test_csv_streams_lazily():
    pulled = 0

    def many():
        nonlocal pulled
        for number in range(100_000):
            pulled += 1
            yield make_record(id=f"id-{number}")

    chunks = iter_csv(many())
    first = next(chunks)
    assert first.startswith("\ufeffannotation_id,") and pulled == 0
    second = next(chunks)
    assert 0 < pulled < 1_000
    assert len(second) < 200_000
    rest = sum(1 for chunk in chunks for _ in chunk.splitlines())
    assert pulled == 100_000
    assert second.count("\r\n") + rest == 100_000


# --- Parallax JSON --------------------------------------------------------------------------


def test_json_shape():
    records = varied_records()
    text = joined(iter_json(records, meta={"exported": "2025-10-26T00:00:00+00:00"}))
    data = json.loads(text)
    assert list(data) == ["format", "version", "exported", "annotations"]
    assert data["format"] == "parallax-annotations" and data["version"] == 1
    assert len(data["annotations"]) == 3
    second = data["annotations"][1]
    assert second["tags"] == [
        {"key": "loaded-language", "name": "Loaded language"},
        {"key": "omission", "name": "Omission"},
    ]
    assert second["link"] == {
        "document_id": 8,
        "document_title": "Report B",
        "start": 4,
        "end": 9,
        "quote": "calm" + EMOJI,
    }
    assert data["annotations"][0]["link"] is None
    assert data["annotations"][0]["exercise_id"] is None
    # The emoji is written as itself, not as a UTF-16 surrogate pair escape.
    assert EMOJI in text and "\\ud83d" not in text


def test_json_empty_and_meta_clash():
    assert json.loads(joined(iter_json([], meta={}))) == {
        "format": "parallax-annotations",
        "version": 1,
        "annotations": [],
    }
    with pytest.raises(ValueError, match="version"):
        iter_json([], meta={"version": 2})


def test_json_round_trip():
    records = varied_records()
    batch = read_annotations(joined(iter_json(records, meta={"by": "test"})).encode("utf-8"))
    assert batch.format == "parallax-json"
    assert batch.problems == ()
    assert list(batch.records) == records


# --- W3C ------------------------------------------------------------------------------------


def w3c(records, **options) -> dict:
    text = joined(
        iter_w3c(
            records,
            collection_id=f"{BASE}/comparisons/3/annotations",
            base_url=BASE + "/",
            label="Annotations on comparison 3",
            **options,
        )
    )
    return json.loads(text)


def test_w3c_annotation_by_hand():
    record = make_record(
        id=UUID_2,
        note="Loaded " + EMOJI,
        relation="b-softens",
        link=LINK,
        tags=(("loaded-language", "Loaded language"), ("omission", "Omission")),
    )
    assert record_to_w3c(record, base_url=BASE) == {
        "id": f"urn:uuid:{UUID_2}",
        "type": "Annotation",
        "motivation": "linking",
        "created": "2025-10-25T09:00:00+00:00",
        "modified": "2025-10-25T09:05:00+00:00",
        "creator": {"type": "Person", "name": "Ms Sato"},
        "body": [
            {
                "id": f"{BASE}/tag-sets/media-literacy#loaded-language",
                "type": "TextualBody",
                "purpose": "tagging",
                "value": "Loaded language",
                "parallax:tag": "loaded-language",
            },
            {
                "id": f"{BASE}/tag-sets/media-literacy#omission",
                "type": "TextualBody",
                "purpose": "tagging",
                "value": "Omission",
                "parallax:tag": "omission",
            },
            {
                "id": f"{BASE}/relations#b-softens",
                "type": "TextualBody",
                "purpose": "classifying",
                "value": "b-softens",
            },
            {
                "type": "TextualBody",
                "purpose": "commenting",
                "value": "Loaded " + EMOJI,
                "format": "text/plain",
            },
        ],
        "target": [
            {
                "type": "SpecificResource",
                "source": f"{BASE}/documents/7",
                "selector": [
                    {
                        "type": "TextQuoteSelector",
                        "exact": "\u201cgood and candid\u201d",
                        "prefix": "The call was ",
                        "suffix": " \u2014 she said",
                    },
                    {"type": "TextPositionSelector", "start": 10, "end": 27},
                ],
                "parallax:documentId": 7,
                "parallax:documentTitle": "Report A",
                "parallax:outlet": "Wire",
                "parallax:documentUrl": "https://news.example/a",
                "parallax:documentHash": "ab" * 32,
            },
            {
                "type": "SpecificResource",
                "source": f"{BASE}/documents/8",
                "selector": [
                    {"type": "TextQuoteSelector", "exact": "calm" + EMOJI},
                    {"type": "TextPositionSelector", "start": 4, "end": 9},
                ],
                "parallax:documentId": 8,
                "parallax:documentTitle": "Report B",
            },
        ],
        "parallax:tagSet": "media-literacy",
        "parallax:status": "human",
        "parallax:comparisonId": 3,
        "parallax:comparisonTitle": "Takaichi\u2013Trump call",
        "parallax:exerciseId": None,
    }


def check_w3c_annotation(annotation):
    """Check the W3C Web Annotation Data Model's musts for one annotation."""
    assert annotation["id"].startswith("urn:uuid:")
    assert annotation["type"] == "Annotation"
    assert annotation["motivation"] in {"tagging", "linking"}
    for body in annotation["body"]:
        assert body["type"] == "TextualBody" and isinstance(body["value"], str)
        assert body["purpose"] in {"tagging", "classifying", "commenting"}
    assert annotation["target"]
    for target in annotation["target"]:
        assert isinstance(target["source"], str)
        kinds = [selector["type"] for selector in target["selector"]]
        assert kinds == ["TextQuoteSelector", "TextPositionSelector"]
        quote, position = target["selector"]
        assert isinstance(quote["exact"], str)
        assert 0 <= position["start"] <= position["end"]
        # Positions count code points, so the exact text has the span's length.
        assert position["end"] - position["start"] == len(quote["exact"])
    if "creator" in annotation:
        assert annotation["creator"]["type"] == "Person"


def test_w3c_collection_shape():
    records = varied_records()
    data = w3c(records)
    assert data["@context"] == [
        "http://www.w3.org/ns/anno.jsonld",
        {"parallax": "https://parallax.invalid/ns#"},
    ]
    assert data["id"] == f"{BASE}/comparisons/3/annotations"
    assert data["type"] == "AnnotationCollection"
    assert data["label"] == "Annotations on comparison 3"
    assert data["total"] == 3
    page = data["first"]
    assert page["type"] == "AnnotationPage"
    assert page["id"] == data["last"] == f"{BASE}/comparisons/3/annotations?page=0"
    assert page["partOf"] == data["id"] and page["startIndex"] == 0
    assert "next" not in page and "prev" not in page and "@included" not in data
    assert len(page["items"]) == 3
    for annotation in page["items"]:
        assert "@context" not in annotation
        check_w3c_annotation(annotation)
    plain, linked, _ = page["items"]
    assert plain["motivation"] == "tagging" and len(plain["target"]) == 1
    assert not [b for b in plain["body"] if b["purpose"] == "commenting"]
    assert linked["motivation"] == "linking" and len(linked["target"]) == 2
    assert "creator" not in linked
    assert "created" not in page["items"][2]


def test_w3c_pages():
    records = [make_record(id=f"00000000-0000-4000-8000-00000000000{n}") for n in range(5)]
    data = w3c(records, page_size=2)
    collection = data["id"]
    first = data["first"]
    second, third = data["@included"]
    assert [p["id"] for p in (first, second, third)] == [
        f"{collection}?page={n}" for n in (0, 1, 2)
    ]
    assert [p["startIndex"] for p in (first, second, third)] == [0, 2, 4]
    assert [len(p["items"]) for p in (first, second, third)] == [2, 2, 1]
    assert first["next"] == second["id"] and second["next"] == third["id"]
    assert "prev" not in first and second["prev"] == first["id"] and third["prev"] == second["id"]
    assert "next" not in third
    assert all(
        p["partOf"] == collection and p["type"] == "AnnotationPage" for p in data["@included"]
    )
    assert data["total"] == 5 and data["last"] == third["id"]
    ids = [a["id"] for p in (first, second, third) for a in p["items"]]
    assert ids == [f"urn:uuid:{r.id}" for r in records]


def test_w3c_exact_page_multiple_has_no_empty_page():
    records = [make_record(id=f"id-{n}") for n in range(4)]
    data = w3c(records, page_size=2)
    assert len(data["@included"]) == 1 and "next" not in data["@included"][0]
    assert data["total"] == 4


def test_w3c_empty_collection():
    data = w3c([], page_size=10)
    assert data["total"] == 0 and "first" not in data and "last" not in data
    batch = read_annotations(json.dumps(data))
    assert batch.records == () and batch.problems == ()


@pytest.mark.parametrize("page_size", [None, 1, 2, 3, 100])
def test_w3c_round_trip(page_size):
    records = varied_records()
    batch = read_annotations(json.dumps(w3c(records, page_size=page_size)).encode("utf-8"))
    assert batch.format == "w3c-jsonld"
    assert batch.problems == ()
    assert list(batch.records) == records


def test_w3c_reads_bare_annotation_and_list():
    record = varied_records()[1]
    annotation = {
        "@context": ["http://www.w3.org/ns/anno.jsonld"],
        **record_to_w3c(record, base_url=BASE),
    }
    assert read_annotations(json.dumps(annotation)).records == (record,)
    records = varied_records()
    items = [record_to_w3c(r, base_url=BASE) for r in records]
    assert list(read_annotations(json.dumps(items)).records) == records


def test_w3c_streams_lazily():
    pulled = 0

    def many():
        nonlocal pulled
        for number in range(5_000):
            pulled += 1
            yield make_record(id=f"id-{number}")

    chunks = iter_w3c(many(), collection_id="c", base_url=BASE, label="l", page_size=100)
    # The head goes out before any record is read (a database query may take a while).
    assert next(chunks).startswith('{"@context"')
    assert pulled == 0
    next(chunks)
    assert pulled == 1
    third = next(chunks)
    assert 1 < pulled < 500
    assert third.count('"type":"Annotation"') == pulled - 1


# --- round trip of arbitrary records --------------------------------------------------------

# Any text a database stores: no NUL, no lone surrogate (imports refuse those, tested below).
storable = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
texts = st.text(storable, max_size=20)
# Ids as a database integer holds them.
optional_ints = st.none() | st.integers(min_value=0, max_value=2**31 - 1)


@st.composite
def arbitrary_records(draw, record_id):
    quote = draw(st.text(storable, max_size=30))
    start = draw(st.integers(min_value=0, max_value=10**6))
    link = None
    if draw(st.booleans()):
        link_quote = draw(texts)
        link_start = draw(st.integers(min_value=0, max_value=10**6))
        link = LinkTarget(
            document_id=draw(optional_ints),
            document_title=draw(texts),
            start=link_start,
            end=link_start + len(link_quote),
            quote=link_quote,
        )
    return AnnotationRecord(
        id=record_id,
        comparison_id=draw(optional_ints),
        comparison_title=draw(texts),
        document_id=draw(optional_ints),
        document_title=draw(texts),
        outlet=draw(texts),
        document_url=draw(texts),
        document_hash=draw(texts),
        annotator=draw(texts),
        exercise_id=draw(optional_ints),
        tag_set=draw(texts),
        tags=tuple(draw(st.lists(st.tuples(texts, texts), max_size=3))),
        start=start,
        end=start + len(quote),
        quote=quote,
        prefix=draw(texts),
        suffix=draw(texts),
        note=draw(st.text(storable, max_size=40)),
        status=draw(st.sampled_from(["human", "suggested", "accepted", "rejected", ""])),
        relation=draw(st.none() | texts),
        link=link,
        created=draw(texts),
        updated=draw(texts),
    )


record_lists = st.lists(st.uuids().map(str), unique=True, max_size=5).flatmap(
    lambda ids: st.tuples(*(arbitrary_records(i) for i in ids))
)


@settings(max_examples=150, deadline=None)
@given(record_lists)
def test_json_round_trip_any_text(records):
    text = joined(iter_json(records, meta={}))
    batch = read_annotations(text.encode("utf-8"))
    assert batch.problems == ()
    assert batch.records == tuple(records)


@settings(max_examples=150, deadline=None)
@given(record_lists, st.none() | st.integers(min_value=1, max_value=3))
def test_w3c_round_trip_any_text(records, page_size):
    text = joined(
        iter_w3c(records, collection_id="urn:x:c", base_url=BASE, label="", page_size=page_size)
    )
    batch = read_annotations(text.encode("utf-8"))
    assert batch.problems == ()
    assert batch.records == tuple(records)


# --- import problems ------------------------------------------------------------------------


def test_import_error_is_an_annotation_error():
    assert issubclass(ImportFormatError, AnnotationError)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"not json", "not valid JSON at line 1, column 1"),
        (b'{"format": "parallax-annotations",\n "version": 1 "annotations": []}', "line 2"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"42", "expected an object or a list"),
        (b'{"hello": "world"}', "neither Parallax JSON nor a W3C"),
        (b'{"format": "other"}', "unknown format 'other'"),
        (b'{"format": "parallax-annotations", "version": 2, "annotations": []}', "version 2"),
        (b'{"format": "parallax-annotations", "version": "1", "annotations": []}', "'1'"),
        (b'{"format": "parallax-annotations", "version": 1, "annotations": {}}', "must be a list"),
        (b'{"format": "parallax-annotations", "version": 1, "x": NaN}', "NaN"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_import_rejects_whole_file(data, message):
    with pytest.raises(ImportFormatError, match=message) as caught:
        read_annotations(data)
    assert "\n" not in str(caught.value)


def test_import_size_limit():
    data = joined(iter_json(varied_records(), meta={})).encode("utf-8")
    assert read_annotations(data, max_bytes=len(data)).records
    with pytest.raises(ImportFormatError, match=f"over the limit of {len(data) - 1} bytes"):
        read_annotations(data, max_bytes=len(data) - 1)
    with pytest.raises(ImportFormatError, match="over the limit"):
        read_annotations(data.decode("utf-8"), max_bytes=len(data) - 1)


@pytest.mark.parametrize("kind", ["json", "w3c"])
def test_import_truncated_file(kind):
    if kind == "json":
        text = joined(iter_json(varied_records(), meta={}))
    else:
        text = json.dumps(w3c(varied_records(), page_size=1), ensure_ascii=False)
    body = text.rstrip()
    for cut in range(1, len(body), 37):
        with pytest.raises(ImportFormatError):
            read_annotations(body[:cut].encode("utf-8"))
    in_a_string = body.index("Report A") + 3
    with pytest.raises(ImportFormatError, match="truncated"):
        read_annotations(body[:in_a_string])


def test_import_truncated_bytes_inside_a_character():
    data = joined(iter_json([make_record(note=EMOJI)], meta={})).encode("utf-8")
    cut = data.index(EMOJI.encode("utf-8")) + 2
    with pytest.raises(ImportFormatError, match="not UTF-8"):
        read_annotations(data[:cut])


def test_import_duplicate_ids():
    records = varied_records()
    again = records[0]._replace(note="another")
    batch = read_annotations(joined(iter_json([*records, again], meta={})))
    assert list(batch.records) == records
    (problem,) = batch.problems
    assert problem.index == 3 and problem.item_id == UUID_1
    assert "duplicate id" in problem.message and "item 0" in problem.message


def test_import_w3c_duplicate_ids():
    records = varied_records()
    data = w3c([*records, records[1]])
    batch = read_annotations(json.dumps(data))
    assert list(batch.records) == records
    assert [(p.index, p.item_id) for p in batch.problems] == [(3, UUID_2)]


def json_items(*edits):
    data = json.loads(joined(iter_json(varied_records(), meta={})))
    for edit in edits:
        edit(data["annotations"])
    return json.dumps(data)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda items: items[1].update(start="0"),
            "'start' field must be a whole number, not text",
        ),
        (lambda items: items[1].update(start=True), "not true or false"),
        (
            lambda items: items[1].update(end=2.5),
            "'end' field must be a whole number, not a number",
        ),
        (lambda items: items[1].pop("quote"), "no 'quote' field"),
        (lambda items: items[1].update(tags="a; b"), "'tags' field must be a list, not text"),
        (lambda items: items[1]["tags"].append({"key": 1, "name": "x"}), "'key' field"),
        (lambda items: items[1].update(document_id="7"), "whole number or null"),
        (lambda items: items[1].update(relation=3), "text or null"),
        (lambda items: items[1].update(link=[1, 2]), "'link' field must be an object"),
        (lambda items: items[1].update(end=3), "covers 3"),
        (lambda items: items[1].update(start=-1, end=-1), "not a valid span"),
        (lambda items: items.__setitem__(1, "text"), "The annotation must be an object"),
    ],
)
def test_import_json_bad_item(edit, message):
    batch = read_annotations(json_items(edit))
    records = varied_records()
    assert list(batch.records) == [records[0], records[2]]
    (problem,) = batch.problems
    assert problem.index == 1
    assert message in problem.message
    assert problem.message.endswith(".") and "\n" not in problem.message


def w3c_items(*edits):
    data = w3c(varied_records(), page_size=2)
    items = data["first"]["items"] + data["@included"][0]["items"]
    for edit in edits:
        edit(items)
    return json.dumps(data)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda items: items[1]["target"][0].pop("selector"), "no TextQuoteSelector"),
        (lambda items: items[1]["target"][0]["selector"].pop(1), "no TextPositionSelector"),
        (lambda items: items[1].pop("target"), "no target"),
        (lambda items: items[1].update(type="Note"), "not a W3C Annotation"),
        (
            lambda items: items[1]["target"][0]["selector"][1].update(start="0"),
            "'start' field must be a whole number, not text",
        ),
        (lambda items: items[1]["body"][0].update(value=["x"]), "'value' field must be text"),
        (lambda items: items[1].update({"parallax:comparisonId": "3"}), "whole number or null"),
        (lambda items: items[1]["target"][1].pop("selector"), "linked target needs"),
    ],
)
def test_import_w3c_bad_item(edit, message):
    batch = read_annotations(w3c_items(edit))
    records = varied_records()
    assert list(batch.records) == [records[0], records[2]]
    (problem,) = batch.problems
    assert problem.index == 1 and problem.item_id == UUID_2
    assert message in problem.message


def test_import_w3c_pages_must_all_be_there():
    data = w3c(varied_records(), page_size=1)
    missing = json.loads(json.dumps(data))
    del missing["@included"][0]
    with pytest.raises(ImportFormatError, match=r"page=1 is not in this file"):
        read_annotations(json.dumps(missing))
    wrong_total = {**data, "total": 4}
    with pytest.raises(ImportFormatError, match="total is 4 but its pages hold 3"):
        read_annotations(json.dumps(wrong_total))
    stray = json.loads(json.dumps(data))
    stray["@included"][0].pop("next")
    with pytest.raises(ImportFormatError, match="page=2 is in the file but no 'next'"):
        read_annotations(json.dumps(stray))
    page = {"@context": data["@context"], **data["@included"][1]}
    page.pop("prev")
    assert read_annotations(json.dumps(page)).records == (varied_records()[2],)


# --- W3C from other tools -------------------------------------------------------------------


def test_import_foreign_w3c():
    # Shaped like the examples of the W3C Web Annotation Data Model (sections 3.2 and 4.2).
    foreign = [
        {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "id": "http://example.org/anno23",
            "type": "Annotation",
            "motivation": "tagging",
            "creator": {"id": "http://example.org/user1", "type": "Person", "nickname": "pat"},
            "created": "2015-10-13T13:00:00Z",
            "body": [
                {"type": "TextualBody", "purpose": "tagging", "value": "Appeal to fear/prejudice"},
                {"type": "TextualBody", "purpose": "tagging", "value": "\u00c9conomie"},
                {"type": "TextualBody", "purpose": "commenting", "value": "Scary framing."},
            ],
            "target": {
                "source": "http://example.org/page1",
                "selector": {
                    "type": "TextQuoteSelector",
                    "exact": "anotation",
                    "prefix": "this is an ",
                    "suffix": " that has some",
                },
            },
        },
        {
            "id": "urn:uuid:" + UUID_2,
            "type": ["Annotation"],
            "bodyValue": "framing",
            "motivation": "tagging",
            "target": {
                "source": {"id": "http://example.org/page2"},
                "selector": {"type": "TextPositionSelector", "start": 412, "end": 795},
            },
        },
        {
            "id": "http://example.org/anno24",
            "type": "Annotation",
            "body": {"type": "TextualBody", "value": "Just a comment", "purpose": "commenting"},
            "target": {
                "source": "http://example.org/page1",
                "selector": {"type": "TextQuoteSelector", "exact": "x"},
            },
        },
        {
            "id": "http://example.org/anno25",
            "type": "Annotation",
            "body": {"type": "TextualBody", "value": "tag", "purpose": "tagging"},
            "target": "http://example.org/page1",
        },
    ]
    batch = read_annotations(json.dumps(foreign))
    first, second = batch.records
    assert first.id == "http://example.org/anno23"
    assert first.document_id is None and first.document_url == "http://example.org/page1"
    assert first.tags == (
        ("appeal-to-fear-prejudice", "Appeal to fear/prejudice"),
        ("economie", "\u00c9conomie"),
    )
    assert (first.quote, first.prefix, first.suffix) == (
        "anotation",
        "this is an ",
        " that has some",
    )
    assert (first.start, first.end) == (0, 0)
    assert first.note == "Scary framing."
    assert first.annotator == "pat" and first.created == "2015-10-13T13:00:00Z"
    assert first.updated == "" and first.tag_set == "" and first.status == ""
    assert first.link is None and first.relation is None and first.comparison_id is None
    assert second.id == UUID_2 and second.tags == (("framing", "framing"),)
    assert (second.start, second.end, second.quote) == (412, 795, "")
    assert second.document_url == "http://example.org/page2"
    assert [(p.index, p.item_id) for p in batch.problems] == [
        (2, "http://example.org/anno24"),
        (3, "http://example.org/anno25"),
    ]
    assert batch.problems[0].message == "It has no tagging body."
    assert "no TextQuoteSelector or TextPositionSelector" in batch.problems[1].message


# --- alignment CSV --------------------------------------------------------------------------


def test_alignment_csv(handmade):
    alignment, a, b = handmade
    text = joined(iter_alignment_csv(alignment, a, b))
    rows = csv_rows(text)
    assert rows[0] == [
        "kind", "score", "a_start", "a_end", "a_text", "b_start", "b_end", "b_text",
        "confidence", "evidence", "a_language", "b_language",
    ]  # fmt: skip
    assert len(rows) == 1 + 1 + 2 + 1
    pair = alignment.pairs[0]
    assert rows[1] == [
        "paraphrase",
        "87.3",
        str(pair.a.start),
        str(pair.a.end),
        pair.a.slice(TEXT_A),
        str(pair.b.start),
        str(pair.b.end),
        pair.b.slice(TEXT_B),
        "medium",
        "good; candid",
        "en",
        "en",
    ]
    assert rows[2][:2] == ["only_a", ""] and rows[2][4] == "Officials later published a transcript."
    assert rows[2][5:] == ["", "", "", "", "", "en", "en"]
    assert rows[4][:5] == ["only_b", "", "", "", ""]
    assert rows[4][7] == "Critics called the call a stunt."
    assert "\u201cgood and candid\u201d" in rows[1][4]
