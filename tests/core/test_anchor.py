from __future__ import annotations

import doctest

import pytest
from hypothesis import assume
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from annotations.records import Span
from annotations.text import anchor
from annotations.text.anchor import anchor_quote
from annotations.text.anchor import context_of

SEED_B = (
    "Together, they’re reviving a partnership that blends charisma, conservatism, and power, "
    "setting the tone for a new “Make Japan Great Again” era."
)


def test_doctests():
    assert doctest.testmod(anchor).failed == 0


def test_context_is_clipped_at_both_ends():
    text = "0123456789"
    assert context_of(text, 2, 4, width=3) == ("01", "456")
    assert context_of(text, 7, 10, width=3) == ("456", "")
    assert context_of(text, 0, 10) == ("", "")


def test_exact_quote_with_curly_quotes_and_emoji():
    text = "🙂 " + SEED_B
    span = anchor_quote(text, "Make Japan Great Again")
    assert span is not None
    assert span.slice(text) == "Make Japan Great Again"
    # Code points, not UTF-16 units: the emoji counts once.
    assert span.start == len("🙂 ") + SEED_B.index("Make")


def test_context_picks_among_repeats_before_the_hint():
    text = "yes. no. yes. no. yes."
    assert anchor_quote(text, "yes.") == Span(0, 4)
    assert anchor_quote(text, "yes.", hint=12) == Span(9, 13)
    # Context outranks the hint: only the last "yes." follows "no. " after "yes. ".
    assert anchor_quote(text, "yes.", prefix="no. ", suffix="", hint=0) == Span(9, 13)
    assert anchor_quote(text, "yes.", prefix="no. ", suffix=" no.", hint=20) == Span(9, 13)


def test_fuzzy_match_when_the_text_changed_slightly():
    quote = "setting the tone for a new Make Japan Great Again era"
    span = anchor_quote(SEED_B, quote)
    assert span is not None
    found = span.slice(SEED_B)
    assert "Make Japan Great Again" in found
    assert abs(len(found) - len(quote)) <= 3


@pytest.mark.parametrize("quote", ["", "Make America Great Again forever and ever", "zzzzzz"])
def test_no_match_is_none(quote):
    assert anchor_quote(SEED_B, quote) is None


def test_empty_text_is_none():
    assert anchor_quote("", "a") is None


def test_cutoff_controls_fuzzy_matching():
    # One letter in eleven differs: a score of about 91.
    assert anchor_quote("the cat sat", "the bat sat") == Span(0, 11)
    assert anchor_quote("the cat sat", "the bat sat", score_cutoff=95) is None


alphabet = st.sampled_from("ab c.🙂é\n")


@settings(max_examples=200, deadline=None)
@given(data=st.data(), text=st.text(alphabet, min_size=1, max_size=80))
def test_unique_quote_with_context_anchors_to_its_span(data, text):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    quote = text[start:end]
    prefix, suffix = context_of(text, start, end)
    occurrences = [i for i in range(len(text)) if text.startswith(quote, i)]
    assume(len(occurrences) == 1)
    assert anchor_quote(text, quote, prefix=prefix, suffix=suffix) == Span(start, end)


@settings(max_examples=200, deadline=None)
@given(
    data=st.data(),
    text=st.text(alphabet, min_size=1, max_size=80),
    inserted=st.text(alphabet, max_size=20),
)
def test_reanchoring_after_an_insertion_before_keeps_the_quote(data, text, inserted):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    quote = text[start:end]
    prefix, suffix = context_of(text, start, end)
    edited = text[:start] + inserted + text[start:]
    span = anchor_quote(edited, quote, prefix=prefix, suffix=suffix, hint=start)
    assert span is not None
    assert span.slice(edited) == quote
    # str.count skips overlapping matches ("aa" occurs twice in "aaa"), so count them all.
    occurrences = [i for i in range(len(edited)) if edited.startswith(quote, i)]
    if len(occurrences) == 1:
        assert span == Span(start + len(inserted), end + len(inserted))


@settings(max_examples=100, deadline=None)
@given(data=st.data(), text=st.text(alphabet, min_size=1, max_size=80))
def test_exact_matches_always_slice_to_the_quote(data, text):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    hint = data.draw(st.none() | st.integers(0, len(text)))
    span = anchor_quote(text, text[start:end], hint=hint)
    assert span is not None and span.slice(text) == text[start:end]
