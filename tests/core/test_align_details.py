"""Alignment details: naming a pair, the threshold check, each side's own language."""

from __future__ import annotations

import pytest

from annotations.records import Span
from annotations.text.align import _kind
from annotations.text.align import align_sentences


def test_a_pair_is_named_by_the_smaller_cover():
    assert _kind("Tax cuts now.", "Tax cuts now.", 1.0, 1.0) == "identical"
    # Same terms, other wording: ratio under 97.
    assert _kind("Tax cuts now.", "Now: cuts to tax.", 1.0, 1.0) == "paraphrase"
    assert _kind("a", "b", 0.3, 0.9) == "paraphrase"
    assert _kind("a", "b", 0.29, 0.9) == "partial"
    assert _kind("a", "b", 0.9, 0.1) == "partial"


def test_the_threshold_must_be_a_percentage():
    with pytest.raises(ValueError) as caught:
        align_sentences("a", [Span(0, 1)], "a", [Span(0, 1)], threshold=101)
    assert str(caught.value) == "threshold must be between 0 and 100"


def test_each_text_is_read_in_its_own_language():
    # German on both sides: the German stopwords (die, hat, am, das, der) are no terms, so a
    # sentence shares all of its terms with itself and the evidence lists only content words.
    text = (
        "Die Regierung hat am Montag das neue Gesetz beschlossen. "
        "Der Kanzler lobte die Einigung der Koalition."
    )
    sentences = [Span(0, 56), Span(57, len(text))]
    alignment = align_sentences(text, sentences, text, sentences, languages=("de", "de"))
    assert [(p.a, p.b, p.score, p.kind) for p in alignment.pairs] == [
        (sentences[0], sentences[0], 100.0, "identical"),
        (sentences[1], sentences[1], 100.0, "identical"),
    ]
    assert sorted(alignment.pairs[0].evidence) == sorted(
        ["Regierung", "Montag", "neue", "Gesetz", "beschlossen"]
    )
    assert sorted(alignment.pairs[1].evidence) == sorted(
        ["Kanzler", "lobte", "Einigung", "Koalition"]
    )
