"""Reading Parallax JSON: the exact line each refused item gets, and the spans it lets through.

The problem line is what a person reads in the import report, so it is written out whole.
Item 1 of ``json_items`` (tests/core/test_formats.py) spans [0, 11) with the quote
"smile 😀 now" (11 code points) and links [4, 9) "calm😀" in document 8.
"""

from __future__ import annotations

import json

import pytest

from annotations.exchange.importing import read_annotations
from tests.core.test_formats import json_items


def problem_of(edit):
    (problem,) = read_annotations(json_items(edit)).problems
    assert problem.index == 1
    return problem.message


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda items: items[1].update(tags=[["loaded-language"]]),
            "Each tag must be an object, not a list.",
        ),
        (
            lambda items: items[1].update(quote=5),
            "Its 'quote' field must be text, not a number.",
        ),
        (
            lambda items: items[1].update(document_id="7"),
            "Its 'document_id' field must be a whole number or null, not text.",
        ),
        (lambda items: items[1].pop("comparison_id"), "It has no 'comparison_id' field."),
        (lambda items: items[1].pop("link"), "It has no 'link' field."),
        (
            lambda items: items[1].update(link=[1, 2]),
            "Its 'link' field must be an object, not a list.",
        ),
        (
            lambda items: items[1]["link"].update(start=9, end=4),
            "Its link span [9, 4) is not a valid span.",
        ),
        (
            lambda items: items[1].update(start=11, end=0),
            "Its annotated span [11, 0) is not a valid span.",
        ),
        # [2, 5) covers 3 code points; the quote has 11.
        (
            lambda items: items[1].update(start=2, end=5),
            "Its annotated quote has 11 characters but its span [2, 5) covers 3.",
        ),
    ],
)
def test_a_refused_item_gets_one_exact_line(edit, message):
    assert problem_of(edit) == message


def test_an_empty_span_with_a_quote_is_kept_to_be_found_by_its_quote():
    # As for a W3C annotation with only a TextQuoteSelector: [0, 0) means "where the quote is".
    data = json_items(lambda items: items[1].update(start=0, end=0))
    batch = read_annotations(data)
    assert batch.problems == ()
    record = batch.records[1]
    assert (record.start, record.end, record.quote) == (0, 0, "smile 😀 now")
    assert json.loads(data)["annotations"][1]["quote"] == record.quote
