"""Learning from a person's tags: hand-built cases, each span counted by hand."""

from __future__ import annotations

import pytest

from annotations.framing.learning import PastTag
from annotations.framing.learning import drop_settled
from annotations.framing.learning import learn_matchers
from annotations.framing.learning import merge_suggestions
from annotations.framing.learning import suggest_learned
from annotations.framing.taxonomy import Tag
from annotations.framing.taxonomy import TagSet
from annotations.records import Suggestion
from annotations.text.ingest import ingest_text

TAGS = TagSet(
    "t",
    "Test set",
    "",
    tags=(
        Tag("vague", "Vague source", "", "#112233"),
        Tag("slogan", "Slogan", "", "#223344"),
        Tag("loaded", "Loaded language", "", "#334455"),
    ),
)


def spans(suggestions):
    return [(s.document, s.start, s.end, s.quote, s.tag) for s in suggestions]


def test_a_tag_in_this_article_finds_the_same_words_folded_elsewhere():
    doc = ingest_text("Analysts said it would fail. Later, analysts said it worked.")
    # "Analysts said it would fail. " is 29 characters, "Later, " 7 more: 36.
    past = [PastTag("Analysts said", "vague", "human", document=0, start=0, end=13)]
    found = suggest_learned([doc], TAGS, past)
    assert spans(found) == [(0, 36, 49, "analysts said", "vague")]
    assert found[0].source == "learned"
    assert found[0].reason == "you tagged 'Analysts said' as Vague source in this article"
    # folded, one acceptance: 0.8 * (1 + 1) / (1 + 0 + 2)
    assert found[0].score == pytest.approx(0.5333, abs=1e-4)


def test_inflections_fold_with_the_stemmer():
    doc = ingest_text("One analyst says the plan is doomed.")
    past = [PastTag("analysts said", "vague", "accepted", where="'Earlier'")]
    # "said" and "says" stem apart ("said", "say"), so only a matching stem pair counts:
    assert suggest_learned([doc], TAGS, past) == []
    past = [PastTag("analysts say", "vague", "accepted", where="'Earlier'")]
    # "One " is 4 characters; "analyst says" is 12.
    found = suggest_learned([doc], TAGS, past)
    assert spans(found) == [(0, 4, 16, "analyst says", "vague")]
    assert found[0].reason == "you tagged 'analysts say' as Vague source in 'Earlier'"


def test_a_shape_with_one_slot_finds_the_slogan_family():
    doc = ingest_text("Crowds chanted Make America Great Again at the rally.")
    past = [PastTag("Make Japan Great Again", "slogan", "human", where="'Tokyo rally'")]
    found = suggest_learned([doc], TAGS, past)
    # "Crowds chanted " is 15 characters; the slogan 24.
    assert spans(found) == [(0, 15, 39, "Make America Great Again", "slogan")]
    assert found[0].reason == (
        "you tagged 'Make Japan Great Again' as Slogan in 'Tokyo rally' "
        "(the same phrase with another name or number)"
    )
    # shape, one acceptance: 0.6 * 2 / 3
    assert found[0].score == pytest.approx(0.4)


def test_a_number_is_a_slot_too():
    doc = ingest_text("Start now: only $12 per month for members.")
    past = [PastTag("only $9 per month", "loaded", "human")]
    found = suggest_learned([doc], TAGS, past)
    # "Start now: " is 11 characters; "only $12 per month" is 18. The "$" is no word, so
    # the span runs from "only" to "month".
    assert spans(found) == [(0, 11, 29, "only $12 per month", "loaded")]


def test_acceptances_and_rejections_weigh_the_matcher():
    doc = ingest_text("Critics say the law is cruel.")
    one_for_two_against = [
        PastTag("critics say", "vague", "accepted"),
        PastTag("critics say", "vague", "rejected"),
        PastTag("critics say", "vague", "rejected"),
    ]
    assert suggest_learned([doc], TAGS, one_for_two_against) == []
    two_for_one_against = [
        PastTag("critics say", "vague", "accepted"),
        PastTag("critics say", "vague", "human"),
        PastTag("critics say", "vague", "rejected"),
    ]
    found = suggest_learned([doc], TAGS, two_for_one_against)
    assert spans(found) == [(0, 0, 11, "Critics say", "vague")]
    # folded (the exact quote is lower case): 0.8 * (2 + 1) / (2 + 1 + 2) = 0.48
    assert found[0].score == pytest.approx(0.48)


def test_pending_suggestions_teach_nothing():
    doc = ingest_text("Critics say the law is cruel.")
    assert suggest_learned([doc], TAGS, [PastTag("critics say", "vague", "suggested")]) == []


def test_a_rejection_in_a_document_keeps_the_words_out_of_that_document_only():
    a = ingest_text("Critics say it fails. Critics say it costs too much.")
    b = ingest_text("Critics say nothing.")
    past = [
        PastTag("critics say", "vague", "accepted"),
        PastTag("critics say", "vague", "accepted"),
        # "Critics say it fails. " is 22 characters: the second "Critics say" of A.
        PastTag("Critics say", "vague", "rejected", document=0, start=22, end=33),
    ]
    found = suggest_learned([a, b], TAGS, past)
    assert spans(found) == [(1, 0, 11, "Critics say", "vague")]


def test_no_span_crosses_a_paragraph():
    doc = ingest_text("The offer\n\nends tonight. The offer ends tonight.")
    past = [PastTag("the offer ends", "loaded", "human")]
    found = suggest_learned([doc], TAGS, past)
    # Only the second one: "The offer\n\nends tonight. " is 25 characters.
    assert spans(found) == [(0, 25, 39, "The offer ends", "loaded")]


def test_an_annotation_of_the_same_tag_blocks_an_overlap_another_tag_does_not():
    doc = ingest_text("Sources said so. Sources said more.")
    past = [
        PastTag("Sources said", "vague", "human", document=0, start=0, end=12),
        PastTag("Sources said", "loaded", "human", document=0, start=17, end=29),
    ]
    found = suggest_learned([doc], TAGS, past)
    # vague is proposed at 17 (only "loaded" is there); loaded at 0 (only "vague" is there).
    assert spans(found) == [
        (0, 0, 12, "Sources said", "loaded"),
        (0, 17, 29, "Sources said", "vague"),
    ]


def test_whole_words_only_and_no_function_word_phrases():
    doc = ingest_text("Start the art of the deal.")
    past = [PastTag("art", "loaded", "human"), PastTag("of the", "loaded", "human")]
    # "Start the " is 10 characters; "art" is not matched inside "Start", and "of the"
    # (function words only) teaches nothing.
    assert spans(suggest_learned([doc], TAGS, past)) == [(0, 10, 13, "art", "loaded")]


def test_tags_outside_the_tag_set_are_not_proposed():
    doc = ingest_text("Critics say so.")
    assert suggest_learned([doc], TAGS, [PastTag("critics say", "other", "human")]) == []


def test_overlapping_matches_of_one_tag_keep_the_surest():
    doc = ingest_text("They said Make Japan Great Again today.")
    past = [
        PastTag("Make Japan Great Again", "slogan", "human"),
        PastTag("Great Again", "slogan", "human"),
    ]
    found = suggest_learned([doc], TAGS, past)
    # exact 0.6 for both phrases; the longer wins; "They said " is 10 characters.
    assert spans(found) == [(0, 10, 32, "Make Japan Great Again", "slogan")]


def test_learn_matchers_counts_each_kind():
    matchers = learn_matchers(
        [
            PastTag("Make Japan Great Again", "slogan", "human"),
            PastTag("Make Money Great Again", "slogan", "rejected"),
        ]
    )
    shape = [m for m in matchers if m.kind == "shape" and m.words[1] == "\x00"]
    # Both quotes make the shape "make _ great again": one for, one against.
    assert [(m.accepted, m.rejected) for m in shape] == [(1, 1)]
    assert not shape[0].is_trusted


def test_drop_settled_applies_to_any_source():
    past = [PastTag("analysts", "vague", "rejected", document=1, start=5, end=13)]
    rule = [
        Suggestion(1, 40, 48, "Analysts", "vague", "vague source", 0.7, "rule:vague"),
        Suggestion(0, 40, 48, "Analysts", "vague", "vague source", 0.7, "rule:vague"),
        Suggestion(1, 3, 9, "x", "vague", "r", 0.7, "rule:vague"),
    ]
    # The first: same words rejected in document 1; the third overlaps the rejected span.
    assert drop_settled(rule, past) == [rule[1]]


def test_same_input_same_output():
    doc = ingest_text("Critics say this. Make Peru Great Again! Critics say that.")
    past = [
        PastTag("critics say", "vague", "human"),
        PastTag("Make Chile Great Again", "slogan", "human"),
    ]
    assert suggest_learned([doc], TAGS, past) == suggest_learned([doc], TAGS, past)


def test_merge_keeps_the_surest_of_overlapping_suggestions_of_one_tag():
    rule = Suggestion(0, 10, 20, "x" * 10, "vague", "rule", 0.9, "rule:vague")
    learned = Suggestion(0, 12, 30, "y" * 18, "vague", "learned", 0.6, "learned")
    other_tag = Suggestion(0, 12, 30, "y" * 18, "loaded", "learned", 0.6, "learned")
    other_doc = Suggestion(1, 12, 30, "y" * 18, "vague", "learned", 0.6, "learned")
    longer_tie = Suggestion(0, 40, 50, "z" * 10, "vague", "a", 0.5, "learned")
    shorter_tie = Suggestion(0, 41, 45, "z" * 4, "vague", "b", 0.5, "learned")
    merged = merge_suggestions([learned, other_doc, shorter_tie, rule, other_tag, longer_tie])
    assert merged == [rule, other_tag, longer_tie, other_doc]
