from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from annotations.records import Document
from annotations.records import Span
from annotations.text.align import _inverted
from annotations.text.align import _overlaps
from annotations.text.align import _share_a_number
from annotations.text.align import _top
from annotations.text.align import align_documents
from annotations.text.align import align_sentences
from annotations.text.segment import segment_text
from annotations.text.tokens import content_terms
from annotations.text.weighing import weigh as _weigh


def doc(text: str) -> Document:
    return Document(text=text, segmentation=segment_text(text))


def quotes(document: Document, spans) -> list[str]:
    return [document.text[s.start : s.end] for s in spans]


def pairs_text(a: Document, b: Document, alignment) -> list[tuple[str, str]]:
    return [(a.text[p.a.start : p.a.end], b.text[p.b.start : p.b.end]) for p in alignment.pairs]


def all_overlaps(weighed) -> np.ndarray:
    """The weighted overlap of every A sentence with every B sentence, as the aligner sums it."""
    index = _inverted(weighed.a.sparse, weighed.b.sparse)
    return _overlaps(weighed.a, weighed.b, 0, len(weighed.a.terms), index)


def test_content_terms_drop_function_words_and_stem():
    terms = content_terms("The ministers were meeting with the Minister about 2% tariffs.")
    assert "the" not in terms and "with" not in terms
    assert "minist" in terms and "tariff" in terms and "2" in terms


def test_content_terms_split_on_any_whitespace_and_punctuation():
    terms = content_terms("U.S. tariffs\u00a0rose by 2,500\ttons (twelve), Trump,Takaichi said.")
    # Whole numbers up to 12 are common words, written "#12" apart from the figures.
    assert list(terms) == ["us.", "tariff", "rose", "2500", "ton", "#12", "trump", "takaichi"]


def test_a_repeated_term_keeps_its_lowest_rarity():
    # "run" is commoner than "running", so it is the less rare of the two forms.
    lowest = min(content_terms("running")["run"], content_terms("run")["run"])
    assert content_terms("running run")["run"] == lowest
    assert content_terms("run running")["run"] == lowest


def test_weights_totals_and_overlaps_by_hand():
    # Four sentences (two a side). Local specificity is 1 - ln(max(df, 2) / 2) / ln(4 / 2).
    a_terms = [
        {"flood": 1.0, "rain": 0.5, "town": 1.0},
        {"rain": 0.9, "town": 1.0, "12": 1.0},
    ]
    b_terms = [
        {"flood": 1.0, "rain": 0.7, "town": 1.0},
        {"town": 1.0, "12": 1.0, "dam": 0.0},
    ]
    weighed = _weigh(a_terms, b_terms)
    # town: in all four, local 0 -> 0; flood: in two, 1 * (0.25 + 0.75) -> 6;
    # rain: in three, lowest rarity 0.5, 0.415 * 0.625 * 6 = 1.56 -> 2;
    # 12: a number in two, (1 + 0.2) * 6 = 7.2 -> capped at 6; dam: 0.25 * 6 = 1.5 -> 2.
    assert sorted(weighed.weight) == [0, 2, 2, 6, 6]
    assert weighed.a.totals == [8, 8] and weighed.b.totals == [8, 8]
    assert all_overlaps(weighed).tolist() == [[8, 0], [2, 6]]
    numbers = _inverted(weighed.a.numbers, weighed.b.numbers)
    # Only the second sentences share the rare number 12.
    assert _share_a_number(weighed.a.numbers, numbers, 0, 2, 2).tolist() == [
        [False, False],
        [False, True],
    ]


def test_dense_and_sparse_terms_sum_to_the_weighted_overlap(monkeypatch):
    # 400 invented words drawn unevenly: a few are in many sentences (dense columns), most
    # in few (entries), so both parts of the sum are exercised.
    words = [f"vor{chr(97 + i // 26)}{chr(97 + i % 26)}k" for i in range(400)]
    rng = random.Random(5)
    odds = [1 / (rank + 1) for rank in range(len(words))]

    def sentence() -> dict[str, float]:
        return content_terms(" ".join(rng.choices(words, odds, k=15)))

    a_terms = [sentence() for _ in range(60)]
    b_terms = [sentence() for _ in range(50)]
    weighed = _weigh(a_terms, b_terms)
    assert weighed.a.dense.shape[1] > 0 and len(weighed.a.sparse.term) > 0
    shared = all_overlaps(weighed)
    weight = weighed.weight
    expected = [
        [sum(weight[t] for t in ta & tb) for tb in weighed.b.terms] for ta in weighed.a.terms
    ]
    assert shared.tolist() == expected
    assert weighed.a.totals == [sum(weight[t] for t in ta) for ta in weighed.a.terms]
    # Pairs of entries made a few at a time add up to the same.
    monkeypatch.setattr("annotations.text.align._PAIRS_PER_STEP", 7)
    assert all_overlaps(weighed).tolist() == expected


def test_sentences_of_many_distinct_words_pair_with_their_twins():
    # 30 sentences of 12 invented words: 360 shared terms, each in one sentence per side.
    words = [f"vor{chr(97 + i // 26)}{chr(97 + i % 26)}k" for i in range(360)]
    sentences = [" ".join(words[12 * i : 12 * i + 12]).capitalize() + "." for i in range(30)]

    def layout(texts: list[str]) -> tuple[str, list[Span]]:
        spans, start = [], 0
        for text in texts:
            spans.append(Span(start, start + len(text)))
            start += len(text) + 1
        return " ".join(texts), spans

    a_text, a_spans = layout(sentences)
    b_text, b_spans = layout(sentences[::-1])
    alignment = align_sentences(a_text, a_spans, b_text, b_spans)
    got = {(p.a_sentences, p.b_sentences, p.kind) for p in alignment.pairs}
    assert got == {((i,), (29 - i,), "identical") for i in range(30)}


def test_top_values_per_row_count_ties_and_leave_the_input_alone():
    values = np.array([[3, 1, 3, 0, 2], [0, 0, 5, 0, 0]], dtype=np.float32)
    before = values.copy()
    assert _top(values, 3).tolist() == [[3, 3, 2], [5, 0, 0]]
    assert np.array_equal(values, before)
    noisy = np.random.default_rng(3).integers(0, 4, size=(40, 30)).astype(np.float32)
    assert np.array_equal(_top(noisy, 5), -np.sort(-noisy, axis=1)[:, :5])


def test_identical_sentence_is_identical_kind():
    a = doc("Heavy rain flooded the Riverside district on Monday. Officials opened two shelters.")
    b = doc("Crowds gathered downtown. Heavy rain flooded the Riverside district on Monday.")
    alignment = align_documents(a, b)
    [pair] = alignment.pairs
    assert pair.kind == "identical"
    assert pair.score == pytest.approx(100.0)
    assert quotes(a, alignment.only_a) == ["Officials opened two shelters."]
    assert quotes(b, alignment.only_b) == ["Crowds gathered downtown."]


def test_reordered_facts_pair_in_any_order():
    a = doc(
        "The council approved a bus lane on Elm Street by seven votes to two. "
        "Construction starts in March and costs $4.2 million. "
        "Shopkeepers on Elm Street fear losing parking."
    )
    b = doc(
        "Elm Street merchants worry that parking will disappear. "
        "Work on the lane begins in March at a cost of $4.2 million. "
        "By seven votes to two, councillors backed the Elm Street bus lane."
    )
    got = {(p.a_sentences, p.b_sentences) for p in align_documents(a, b).pairs}
    assert ((0,), (2,)) in got
    assert ((1,), (1,)) in got


def test_topic_names_alone_do_not_pair():
    # "Takaichi" and "alliance" are everywhere in both texts, so sharing them is no evidence.
    a = doc(
        "Takaichi praised the alliance in Tokyo. "
        "Takaichi said the alliance faces a budget review next spring. "
        "Takaichi met farmers worried about rice prices in Niigata."
    )
    b = doc(
        "Takaichi defended the alliance on television. "
        "The alliance, Takaichi argued, needs steadier funding from parliament. "
        "Takaichi visited a naval base in Yokosuka with sailors."
    )
    alignment = align_documents(a, b)
    for pair in alignment.pairs:
        a_text = a.text[pair.a.start : pair.a.end]
        b_text = b.text[pair.b.start : pair.b.end]
        shared = set(content_terms(a_text)) & set(content_terms(b_text))
        assert shared - {"takaichi", "allianc"}, (a_text, b_text)
    assert "Takaichi met farmers worried about rice prices in Niigata." in quotes(
        a, alignment.only_a
    )


def test_condensing_sentence_links_to_several_sentences():
    a = doc(
        "The call came while Trump was aboard Air Force One, traveling toward Malaysia. "
        "Takaichi said she appreciated the congratulations from the president. "
        "Markets in Tokyo closed higher on Friday."
    )
    b = doc(
        "Shares of exporters slipped in Seoul. "
        "Trump, phoning from Air Force One, congratulated her and praised her leadership."
    )
    alignment = align_documents(a, b)
    linked_a = {i for p in alignment.pairs if p.b_sentences == (1,) for i in p.a_sentences}
    assert linked_a == {0, 1}
    assert quotes(a, alignment.only_a) == ["Markets in Tokyo closed higher on Friday."]


def test_adjacent_run_becomes_one_passage():
    a = doc(
        "The mayor announced a new library. It will open in Oakridge with 40,000 books. "
        "Parking fees rise next year."
    )
    b = doc(
        "A new library with 40,000 books will open in Oakridge, the mayor announced. "
        "Rents keep climbing."
    )
    alignment = align_documents(a, b)
    [pair] = alignment.pairs
    assert pair.a_sentences == (0, 1)
    assert a.text[pair.a.start : pair.a.end] == (
        "The mayor announced a new library. It will open in Oakridge with 40,000 books."
    )


def test_threshold_controls_pairs_and_is_recorded():
    a = doc("The ferry to Arran was cancelled because of storm Ciara on Sunday.")
    b = doc("Storm Ciara halted several services, including the Arran ferry, at the weekend.")
    loose = align_documents(a, b, threshold=5)
    strict = align_documents(a, b, threshold=99)
    assert len(loose.pairs) == 1 and strict.pairs == ()
    assert strict.settings.threshold == 99 and loose.settings.version


def test_bad_threshold_is_refused():
    a = doc("One sentence here.")
    with pytest.raises(ValueError):
        align_documents(a, a, threshold=101)


def test_empty_sides():
    a = doc("Only a sentence.")
    alignment = align_sentences(a.text, [s.span for s in a.segmentation.sentences], "", [])
    assert alignment.pairs == () and alignment.only_b == ()
    assert quotes(a, alignment.only_a) == ["Only a sentence."]


def test_deterministic():
    a = doc("Rain hit Leeds on Monday. Trains to York stopped. Schools stayed open in Leeds.")
    b = doc("Schools in Leeds remained open. Monday rain hit Leeds hard. York trains were halted.")
    assert align_documents(a, b) == align_documents(a, b)


sentence = st.lists(
    st.sampled_from(
        "storm ferry Arran council vote budget 4.2 million Leeds York rain schools open "
        "Takaichi alliance Tokyo tariff the a of and said 🎉 ".split()
    ),
    min_size=2,
    max_size=12,
).map(lambda ws: " ".join(ws).capitalize() + ".")


@settings(max_examples=60, deadline=None)
@given(st.lists(sentence, min_size=1, max_size=8), st.lists(sentence, min_size=1, max_size=8))
def test_every_sentence_is_paired_or_only_once(sa, sb):
    a, b = doc(" ".join(sa)), doc("\n".join(sb))
    alignment = align_documents(a, b)
    n_a, n_b = len(a.segmentation.sentences), len(b.segmentation.sentences)
    paired_a = {i for p in alignment.pairs for i in p.a_sentences}
    paired_b = {j for p in alignment.pairs for j in p.b_sentences}
    only_a = {
        a.segmentation.sentences.index(next(x for x in a.segmentation.sentences if x.span == s))
        for s in alignment.only_a
    }
    only_b = {
        b.segmentation.sentences.index(next(x for x in b.segmentation.sentences if x.span == s))
        for s in alignment.only_b
    }
    assert paired_a | only_a == set(range(n_a)) and not paired_a & only_a
    assert paired_b | only_b == set(range(n_b)) and not paired_b & only_b
    for p in alignment.pairs:
        assert 0 <= p.score <= 100
        sents_a = a.segmentation.sentences
        assert (
            p.a.start == sents_a[p.a_sentences[0]].start
            and p.a.end == sents_a[p.a_sentences[-1]].end
        )
        assert list(p.a_sentences) == list(range(p.a_sentences[0], p.a_sentences[-1] + 1))
        assert a.text[p.a.start : p.a.end].strip() == a.text[p.a.start : p.a.end]


def test_a_shared_rare_number_counts_as_a_fact():
    a = doc(
        "Officials estimate the lane will cut bus journey times on the route by up to twenty "
        "minutes at peak hours. The council meets again in June."
    )
    b = doc(
        "Planners say a trip along the corridor could be up to 20 minutes quicker in the rush. "
        "Critics were unconvinced."
    )
    alignment = align_documents(a, b)
    assert [(p.a_sentences, p.b_sentences) for p in alignment.pairs] == [((0,), (0,))]


def test_a_number_alone_is_not_enough():
    a = doc("Ticket prices rose 7 percent at the stadium. Fans protested outside the gates.")
    b = doc("Seven ministers resigned over the budget. Parliament sat late into the night.")
    assert align_documents(a, b).pairs == ()


# --- evidence and confidence ----------------------------------------------------------------

REID_A = (
    "Senate leaders met on Tuesday to discuss gun control. Harry Reid said all options "
    "should be on the table. Reid spoke to reporters after the meeting. A vote is expected "
    "next week. Reid's office declined further comment."
)
REID_B = (
    "Harry Reid, the Senate majority leader, is a longtime supporter of gun rights. Reid met "
    "senators on Tuesday to discuss gun control. Lawmakers plan a vote next week. The bill "
    "faces opposition from Reid's own party."
)
PLEDGE_A = (
    "Japan pledged $550 billion in investment in the United States. Takaichi and Trump spoke "
    "by phone on Saturday. Takaichi thanked Trump for his support on the abduction issue."
)
PLEDGE_B = (
    "Japan pledged to raise defense spending to 2% of GDP. Takaichi and Trump spoke by phone "
    "on Saturday from Malaysia. Takaichi's approval rating stands at 71%."
)


@pytest.mark.parametrize(
    ("text_a", "text_b", "fact_a", "fact_b"),
    [
        (REID_A, REID_B, "all options should be on the table", "supporter of gun rights"),
        (PLEDGE_A, PLEDGE_B, "$550 billion in investment", "defense spending to 2%"),
    ],
)
def test_same_topic_different_fact_is_low_confidence_or_unlinked(text_a, text_b, fact_a, fact_b):
    a, b = doc(text_a), doc(text_b)
    alignment = align_documents(a, b)
    at_a, at_b = text_a.index(fact_a), text_b.index(fact_b)
    linking = [
        p for p in alignment.pairs if p.a.start <= at_a < p.a.end and p.b.start <= at_b < p.b.end
    ]
    assert all(p.confidence == "low" and p.kind != "paraphrase" for p in linking)
    # The same articles' real shared facts are linked with more confidence.
    assert any(p.confidence in ("medium", "high") for p in alignment.pairs)


def test_evidence_names_the_shared_words_as_written():
    a = doc("Trump congratulated Takaichi aboard Air Force One on Saturday. Markets rose.")
    b = doc(
        "Prices fell. On Saturday, Trump offered his congratulations to Takaichi from "
        "Air Force One."
    )
    (pair,) = align_documents(a, b).pairs
    assert "congratulated ≈ congratulations" in pair.evidence
    # A name is cited once, as written, rather than word by word.
    assert {"Air Force One", "Saturday"} <= set(pair.evidence)
    assert "Air" not in pair.evidence and "Force" not in pair.evidence
    assert pair.confidence in ("medium", "high")


def test_a_link_sharing_nothing_says_so_and_is_low():
    from annotations.text.evidence import NOTHING_SHARED
    from annotations.text.evidence import explain

    explanation = explain([], {}, {}, score=40.0, threshold=25.0, kind="paraphrase")
    assert explanation.evidence == (NOTHING_SHARED,)
    assert (explanation.confidence, explanation.kind) == ("low", "partial")
