"""Files of annotations read a window at a time: every cut of the text gives the same items."""

from __future__ import annotations

import json

import pytest

from annotations.errors import ImportFormatError
from annotations.exchange import streaming
from annotations.exchange.exporting import iter_json
from annotations.exchange.exporting import iter_w3c
from annotations.exchange.importing import AnnotationReader
from annotations.exchange.importing import read_annotations
from tests.core.test_formats import BASE
from tests.core.test_formats import EMOJI
from tests.core.test_formats import joined
from tests.core.test_formats import make_record
from tests.core.test_formats import varied_records


def many_records():
    """Records with text that a cut can split badly: emoji, escapes, quotes, long numbers."""
    records = []
    for number, record in enumerate(varied_records() * 4):
        records.append(
            record._replace(
                id=f"00000000-0000-4000-8000-{number:012d}",
                note=f'{EMOJI} "quoted" \\ back\\slash {number}\n' * (number % 3),
            )
        )
    return records


def w3c_text(records, page_size):
    chunks = iter_w3c(
        records, collection_id="urn:x:c", base_url=BASE, label="", page_size=page_size
    )
    return joined(chunks)


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 1000])
@pytest.mark.parametrize("kind", ["json", "w3c", "w3c-pages", "json-indented"])
def test_small_windows_read_the_same_items(monkeypatch, chunk, kind):
    records = many_records()
    if kind == "json":
        text = joined(iter_json(records, meta={"by": "test"}))
    elif kind == "json-indented":
        # Items over several lines: read one at a time, not a window at a time.
        text = json.dumps(json.loads(joined(iter_json(records, meta={}))), indent=2)
    else:
        text = w3c_text(records, 5 if kind == "w3c-pages" else None)
    monkeypatch.setattr(streaming, "_CHUNK", chunk)
    batch = read_annotations(text.encode("utf-8"))
    assert batch.problems == ()
    assert batch.records == tuple(records)


def test_items_carry_the_line_they_start_on():
    records = many_records()[:4]
    text = joined(iter_json(records, meta={}))
    items = list(AnnotationReader(text.encode("utf-8")))
    # The head is line 1; Parallax JSON puts each annotation on a line of its own.
    assert [item.line for item in items] == [2, 3, 4, 5]
    assert [item.index for item in items] == [0, 1, 2, 3]


def test_a_bad_item_is_named_by_its_line():
    records = many_records()[:3]
    lines = joined(iter_json(records, meta={})).split("\n")
    lines[2] = lines[2].replace('"start":', '"start":"x","was":', 1)
    (problem,) = read_annotations("\n".join(lines)).problems
    assert (problem.index, problem.line) == (1, 3)
    assert "'start' field must be a whole number" in problem.message


def test_a_number_cut_by_the_window_is_read_whole(monkeypatch):
    record = make_record(start=0, end=1234567, quote="x" * 1234567)
    text = joined(iter_json([record], meta={}))
    cut = text.index("1234567") + 3
    # The first window ends inside the number: reading 123 would be wrong.
    monkeypatch.setattr(streaming, "_CHUNK", cut)
    assert read_annotations(text.encode("utf-8")).records == (record,)


def test_pages_out_of_the_order_of_their_links_are_refused():
    data = json.loads(w3c_text(many_records()[:3], 1))
    data["@included"].reverse()
    with pytest.raises(ImportFormatError, match="not in the order their 'next' links give"):
        read_annotations(json.dumps(data))


def test_a_file_in_another_key_order_is_read_whole():
    data = json.loads(joined(iter_json(many_records()[:3], meta={})))
    reordered = {"annotations": data.pop("annotations"), **data}
    batch = read_annotations(json.dumps(reordered))
    assert batch.format == "parallax-json"
    assert batch.records == tuple(many_records()[:3])


def test_errors_point_at_the_file_line_after_many_windows(monkeypatch):
    text = joined(iter_json(many_records(), meta={}))
    lines = text.split("\n")
    lines[9] = lines[9][:-1] + " oops,"
    monkeypatch.setattr(streaming, "_CHUNK", 100)
    with pytest.raises(ImportFormatError, match="line 10, column"):
        read_annotations("\n".join(lines).encode("utf-8"))
