"""The checks an annotation passes before it is stored: each refusal's message and field.

The web shows ``problem`` next to the input named by ``field``, so both are behaviour.
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import NamedTuple

import pytest

from annotations.classroom import exercises
from annotations.errors import AnnotationError
from annotations.errors import SpanError
from annotations.errors import UnknownTagError
from annotations.records import Span
from annotations.storage import accounts
from annotations.storage import checks
from annotations.storage import comparisons
from annotations.storage import models
from annotations.storage import saving
from annotations.text.ingest import ingest_text

pytestmark = pytest.mark.databases


class Doc(NamedTuple):
    id: int
    text: str


# "ab" starts at 0, 3 and 6; 8 code points in all.
DOC = Doc(4, "ab ab ab")


@pytest.mark.parametrize(
    ("start", "end", "quote", "problem"),
    [
        ("0", 2, "ab", "start and end must be integers"),
        (0, 2.0, "ab", "start and end must be integers"),
        (True, 2, "ab", "start and end must be integers"),
        (0, True, "b", "start and end must be integers"),
        (0, 2, "", "the quote must be non-empty text"),
        (0, 2, 5, "the quote must be non-empty text"),
        (-1, 2, "ab", "start -1 is before the start of the text"),
        (3, 3, "ab", "end 3 must be after start 3"),
        (3, 2, "ab", "end 2 must be after start 3"),
        (6, 9, "ab", "end 9 is past the end of document 4 (8 characters)"),
        (0, 2, "xy", "quote not found in document 4"),
    ],
)
def test_a_bad_span_names_its_fault(start, end, quote, problem):
    with pytest.raises(SpanError) as caught:
        checks._check_span(DOC, start, end, quote, "link")
    assert (caught.value.problem, caught.value.field) == (problem, "link")


def test_a_span_that_fits_is_kept_and_one_that_does_not_is_found_near_its_start():
    # The last two code points: end may equal the text's length.
    assert checks._check_span(DOC, 6, 8, "ab", "span") == Span(6, 8)
    assert checks._check_span(DOC, 0, 1, "a", "span") == Span(0, 1)
    # [5, 7) holds "ba" -> not the quote; of "ab" at 0, 3 and 6 the nearest to 5 is 6.
    assert checks._check_span(DOC, 5, 7, "ab", "span") == Span(6, 8)
    assert checks._check_span(DOC, 1, 3, "ab", "span") == Span(0, 2)


def test_the_longest_quote_is_100000_code_points():
    long_doc = Doc(1, "a" * 100_001)
    assert checks._check_span(long_doc, 0, 100_000, "a" * 100_000, "span") == Span(0, 100_000)
    with pytest.raises(SpanError) as caught:
        checks._check_span(long_doc, 0, 100_001, "a" * 100_001, "span")
    assert (caught.value.problem, caught.value.field) == (
        "the quote is longer than 100000 characters",
        "span",
    )


def test_notes_are_text_of_at_most_5000_code_points():
    assert checks._check_note("é" * 5000) == "é" * 5000
    with pytest.raises(AnnotationError) as caught:
        checks._check_note("x" * 5001)
    assert (caught.value.problem, caught.value.field) == (
        "longer than 5000 characters (5001)",
        "note",
    )
    with pytest.raises(AnnotationError) as caught:
        checks._check_note(None)
    assert (caught.value.problem, caught.value.field) == ("expected text", "note")


@pytest.mark.parametrize(
    "public_id",
    [
        "1B4E28BA-2FA1-11D2-883F-0016D3CCA427",
        "1b4e28ba2fa111d2883f0016d3cca427",
        " 1b4e28ba-2fa1-11d2-883f-0016d3cca427",
        None,
    ],
)
def test_public_ids_are_lowercase_hyphenated_uuids(public_id):
    with pytest.raises(AnnotationError) as caught:
        checks._check_public_id(public_id)
    assert caught.value.field == "public_id"
    assert caught.value.problem.startswith("expected a lowercase UUID")


def test_a_lowercase_uuid_passes():
    checks._check_public_id("1b4e28ba-2fa1-11d2-883f-0016d3cca427")


TEXT_A = "Leaders met on Friday. They praised the alliance."
TEXT_B = "The two leaders spoke. A new era begins."


@pytest.fixture
def pair(session):
    rows = [comparisons.add_document(session, ingest_text(text)) for text in (TEXT_A, TEXT_B)]
    comparison = comparisons.add_comparison(session, "Pair", rows)
    session.commit()
    return comparison, rows


def make_input(document, quote, **overrides):
    start = document.text.index(quote)
    fields = {
        "public_id": str(uuid.uuid4()),
        "document_id": document.id,
        "start": start,
        "end": start + len(quote),
        "quote": quote,
        "tag_keys": ("slogan",),
        "tag_set_key": "media-literacy",
    }
    fields.update(overrides)
    return checks.AnnotationInput(**fields)


def refusal(session, data, error=AnnotationError):
    with pytest.raises(error) as caught:
        saving.add_annotation(session, data)
    return caught.value.problem, caught.value.field


def test_tag_refusals_name_the_tags_and_the_set(session, pair):
    _, (a, _) = pair
    data = make_input(a, "Leaders")
    assert refusal(session, dataclasses.replace(data, tag_set_key=None), UnknownTagError) == (
        "expected a tag set key",
        "tag_set",
    )
    assert refusal(session, dataclasses.replace(data, tag_set_key="nope"), UnknownTagError) == (
        "unknown tag set 'nope'",
        "tag_set",
    )
    assert refusal(session, dataclasses.replace(data, tag_keys="slogan")) == (
        "expected a list of tag keys",
        "tags",
    )
    assert refusal(session, dataclasses.replace(data, tag_keys=5)) == (
        "expected a list of tag keys",
        "tags",
    )
    assert refusal(session, dataclasses.replace(data, tag_keys=())) == (
        "an annotation needs at least one tag",
        "tags",
    )
    assert refusal(session, dataclasses.replace(data, tag_keys=("slogan", 7)), UnknownTagError) == (
        "unknown tag 7 in tag set 'media-literacy'",
        "tags",
    )


def test_a_repeated_tag_key_is_stored_once(session, pair):
    _, (a, _) = pair
    row, created = saving.add_annotation(
        session, make_input(a, "Leaders", tag_keys=("slogan", "slogan"))
    )
    assert created and [tag.key for tag in row.tags] == ["slogan"]


def test_comparison_refusals(session, pair):
    comparison, (a, b) = pair
    other = comparisons.add_document(session, ingest_text("Something else entirely."))
    missing = make_input(a, "Leaders", document_id=999_999)
    assert refusal(session, missing) == ("document 999999 does not exist", "document_id")
    assert refusal(session, make_input(a, "Leaders", comparison_id=999_999)) == (
        "comparison 999999 does not exist",
        "comparison_id",
    )
    assert refusal(session, make_input(other, "Something", comparison_id=comparison.id)) == (
        f"document {other.id} is not part of comparison {comparison.id}",
        "document_id",
    )
    assert refusal(session, make_input(a, "Leaders", relation="b-adds")) == (
        "a comparative annotation needs its comparison",
        "comparison_id",
    )
    relation = refusal(
        session, make_input(a, "Leaders", comparison_id=comparison.id, relation="b-invents")
    )
    assert relation == (f"'b-invents' is not one of {', '.join(models.RELATIONS)}", "relation")


def link(document, quote, **overrides):
    start = document.text.index(quote)
    fields = {
        "link_document_id": document.id,
        "link_start": start,
        "link_end": start + len(quote),
        "link_quote": quote,
    }
    fields.update(overrides)
    return fields


def test_link_refusals(session, pair):
    comparison, (a, b) = pair
    other = comparisons.add_document(session, ingest_text("Something else entirely."))
    base = make_input(a, "Leaders", comparison_id=comparison.id)
    # A link alone (no relation) still needs the comparison.
    unlinked = dataclasses.replace(base, comparison_id=None, **link(b, "spoke"))
    assert refusal(session, unlinked) == (
        "a comparative annotation needs its comparison",
        "comparison_id",
    )
    for missing in ("link_document_id", "link_start", "link_end", "link_quote"):
        partial = dataclasses.replace(base, **link(b, "spoke", **{missing: None}))
        assert refusal(session, partial) == (
            "give link_document_id, link_start, link_end and link_quote together",
            "link",
        )
    assert refusal(session, dataclasses.replace(base, **link(a, "met"))) == (
        "a link joins two different documents",
        "link_document_id",
    )
    assert refusal(session, dataclasses.replace(base, **link(other, "else"))) == (
        f"document {other.id} is not part of comparison {comparison.id}",
        "link_document_id",
    )
    bad_span = dataclasses.replace(base, **link(b, "spoke", link_end=999))
    assert refusal(session, bad_span, SpanError) == (
        f"end 999 is past the end of document {b.id} ({len(TEXT_B)} characters)",
        "link",
    )


def test_a_link_is_checked_and_reanchored_like_the_span(session, pair):
    comparison, (a, b) = pair
    # The link's offsets are one too far: "spoke" is found again at 16.
    data = make_input(
        a, "Leaders", comparison_id=comparison.id, **link(b, "spoke", link_start=17, link_end=22)
    )
    row, _ = saving.add_annotation(session, data)
    assert (row.link_document_id, row.link_start, row.link_end, row.link_quote) == (
        b.id,
        16,
        21,
        "spoke",
    )
    content = checks.stored_content(row)
    assert content == checks.AnnotationContent(
        document_id=a.id,
        comparison_id=comparison.id,
        exercise_id=None,
        start=0,
        end=7,
        quote="Leaders",
        tag_ids=frozenset(tag.id for tag in row.tags),
        note="",
        relation=None,
        link_document_id=b.id,
        link_start=16,
        link_end=21,
        link_quote="spoke",
    )


def test_an_unlinked_annotation_stores_no_link(session, pair):
    comparison, (a, _) = pair
    row, _ = saving.add_annotation(
        session, make_input(a, "praised", comparison_id=comparison.id, note="Why?")
    )
    assert (row.start, row.end, row.quote, row.note) == (28, 35, "praised", "Why?")
    assert (row.link_document_id, row.link_start, row.link_end, row.link_quote) == (None,) * 4


def test_a_document_given_must_be_the_annotations(session, pair):
    _, (a, b) = pair
    with pytest.raises(ValueError, match="not the annotation's document"):
        checks._check_annotation(session, make_input(a, "Leaders"), checks._set_tags, b)


@pytest.fixture
def lesson(session):
    """A comparison of three documents and an exercise that reads the first two."""
    texts = (TEXT_A, TEXT_B, "A third article.")
    rows = [comparisons.add_document(session, ingest_text(text)) for text in texts]
    comparison = comparisons.add_comparison(session, "Lesson", rows)
    teacher = accounts.create_user(
        session, username="ms.tanaka", name="Ms Tanaka", password="pass phrase 42", role="teacher"
    )
    exercise = exercises.create_exercise(
        session,
        teacher_id=teacher.id,
        comparison_id=comparison.id,
        tag_set_key="media-literacy",
        title="Spin",
    )
    session.commit()
    return comparison, rows, exercise


def test_exercise_refusals(session, lesson):
    comparison, (a, b, c), exercise = lesson
    ours = {"comparison_id": comparison.id, "exercise_id": exercise.id}
    assert refusal(session, make_input(a, "Leaders", **{**ours, "exercise_id": 999_999})) == (
        "exercise 999999 does not exist",
        "exercise_id",
    )
    assert refusal(session, make_input(a, "Leaders", exercise_id=exercise.id)) == (
        f"exercise {exercise.id} is on comparison {comparison.id}",
        "comparison_id",
    )
    shown = f"exercise {exercise.id} reads documents {a.id} and {b.id}"
    assert refusal(session, make_input(c, "third", **ours)) == (shown, "document_id")
    linked_to_c = make_input(a, "Leaders", relation="b-adds", **ours, **link(c, "third"))
    assert refusal(session, linked_to_c) == (shown, "document_id")
    other_set = make_input(a, "Leaders", tag_set_key="policy-frames", **ours)
    assert refusal(session, other_set, UnknownTagError) == (
        f"exercise {exercise.id} tags with 'media-literacy'",
        "tag_set",
    )
    # What the exercise shows, linked within it, is stored.
    row, created = saving.add_annotation(
        session, make_input(b, "spoke", relation="b-adds", **ours, **link(a, "praised"))
    )
    assert created and (row.exercise_id, row.link_document_id) == (exercise.id, a.id)


def test_the_annotated_span_is_named_span(session, pair):
    _, (a, _) = pair
    assert refusal(session, make_input(a, "Leaders", end=999), SpanError) == (
        f"end 999 is past the end of document {a.id} ({len(TEXT_A)} characters)",
        "span",
    )
