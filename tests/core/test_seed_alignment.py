"""The seed pair, checked against a careful reading of both articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.records import Document
from annotations.text.align import align_documents
from annotations.text.segment import segment_text

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def load(name: str) -> Document:
    text = (SEEDS / name).read_text(encoding="utf-8")
    return Document(text=text, segmentation=segment_text(text))


A = load("000_934de63c848709fa.txt")
B = load("004_c1ee273f4eb3ca13.txt")
ALIGNMENT = align_documents(A, B)


def sentence_index(document: Document, quote: str) -> int:
    at = document.text.index(quote)
    [index] = [i for i, s in enumerate(document.segmentation.sentences) if s.start <= at < s.end]
    return index


def linked(quote_a: str, quote_b: str) -> bool:
    i, j = sentence_index(A, quote_a), sentence_index(B, quote_b)
    return any(i in p.a_sentences and j in p.b_sentences for p in ALIGNMENT.pairs)


def only_in_a(quote: str) -> bool:
    return A.segmentation.sentences[sentence_index(A, quote)].span in ALIGNMENT.only_a


def only_in_b(quote: str) -> bool:
    return B.segmentation.sentences[sentence_index(B, quote)].span in ALIGNMENT.only_b


def test_crypto_line_is_only_in_a_and_its_own_passage():
    line = "Join a premium crypto trading community free for 30 days - normally $100/mo."
    start = A.text.index(line)
    assert (start, start + len(line)) in [(s.start, s.end) for s in ALIGNMENT.only_a]


def test_slogan_sentence_is_only_in_b():
    assert only_in_b("Make Japan Great Again")


@pytest.mark.parametrize(
    "quote",
    [
        "pledge of $550 billion",
        "support on the abduction issue",
        "recent situation in the Middle East",
        "known as Abenomics",
        "Mitsubishi Heavy Industries",
    ],
)
def test_facts_only_in_the_report(quote):
    i = sentence_index(A, quote)
    links = [p for p in ALIGNMENT.pairs if i in p.a_sentences]
    # Unlinked, or (Abenomics against B's "Abe's playbook ... nationalism") a link of low
    # confidence, which the page draws weaker and never calls a paraphrase.
    assert only_in_a(quote) or all(p.confidence == "low" and p.kind != "paraphrase" for p in links)


@pytest.mark.parametrize(
    "quote",
    [
        "71% approval rating",
        "near the Senkaku Islands",
        "The call lasted just ten minutes",
        "negotiator Ryosei Akazawa",
        "new LNG shipments from Alaska",
    ],
)
def test_facts_only_in_the_opinion_piece(quote):
    assert only_in_b(quote)


@pytest.mark.parametrize(
    ("quote_a", "quote_b"),
    [
        ("aboard Air Force One", "phoning from Air Force One"),
        ("appreciated the congratulations", "phoning from Air Force One"),
        (
            "held her first official phone call with Trump",
            "spoke with President Trump from Malaysia",
        ),
        ("sees itself as indispensable to the United States", "indispensable partner in America"),
        ("Alliance is the top priority for my administration", "top foreign-policy priority"),
        (
            "place the alliance at the center of her foreign and security policy",
            "top foreign-policy priority",
        ),
    ],
)
def test_corresponding_passages_are_linked(quote_a, quote_b):
    assert linked(quote_a, quote_b)


def test_headings_and_marker_are_not_aligned_as_prose():
    spans = [p.a for p in ALIGNMENT.pairs] + list(ALIGNMENT.only_a)
    for heading in A.segmentation.headings:
        assert all(s.end <= heading.start or s.start >= heading.end for s in spans)
    marker = A.segmentation.markers[0]
    assert all(s.start >= marker.end for s in spans)


def test_pairs_are_not_made_of_topic_words():
    # Both articles are about one call between Takaichi and Trump; a pair needs more.
    for pair in ALIGNMENT.pairs:
        a_text = A.text[pair.a.start : pair.a.end].lower()
        b_text = B.text[pair.b.start : pair.b.end].lower()
        assert "make japan great again" not in b_text
        assert "crypto" not in a_text


def test_every_seed_link_has_evidence_and_no_weak_paraphrase():
    assert ALIGNMENT.pairs
    for pair in ALIGNMENT.pairs:
        assert pair.evidence
        assert pair.confidence in ("high", "medium", "low")
        assert not (pair.confidence == "low" and pair.kind == "paraphrase")


def test_a_shared_topic_word_alone_is_low_confidence():
    ended = A.text.index("She ended the statement")
    for pair in ALIGNMENT.pairs:
        if pair.a.start <= ended < pair.a.end:
            assert pair.confidence == "low", pair.evidence
            assert B.text[pair.b.start : pair.b.end] == (
                "In the end, one phone call became a statement of intent."
            )
