"""Each detector of the suggester on small hand-made texts: what it finds and what it leaves."""

from __future__ import annotations

import pytest

from annotations.framing.suggesting.devices import find_candidates
from annotations.framing.suggesting.omission import facts_missing
from annotations.framing.suggesting.omission import find_omissions
from annotations.framing.suggesting.reading import read
from annotations.text.align import align_documents
from annotations.text.ingest import ingest_text


def found(text: str, device: str) -> list[str]:
    """Return the quotes a device proposes in ``text``, in order."""
    reading = read(ingest_text(text))
    spans = sorted((c.start, c.end) for c in find_candidates(reading, 0) if c.device == device)
    return [text[start:end] for start, end in spans]


def test_a_call_to_action_with_a_price_at_the_end_is_promotional():
    text = (
        "The council approved the budget on Monday.\n\n"
        "Members argued for two hours about the parks.\n\n"
        "Join a premium trading club free for 30 days - normally $100/mo."
    )
    assert found(text, "promotional") == [
        "Join a premium trading club free for 30 days - normally $100/mo."
    ]


def test_a_price_in_a_news_sentence_is_not_promotional():
    text = (
        "The council approved the budget on Monday.\n\n"
        "Tickets for the new tram will cost $2 a ride, the mayor said.\n\n"
        "Work starts in May."
    )
    assert found(text, "promotional") == []


def test_every_sentence_of_a_block_labelled_advertisement_is_promotional():
    text = (
        "The plant will open in 2027.\n\n"
        "ADVERTISEMENT\nThinking of moving? Homes start from $289,000. Terms apply."
    )
    assert found(text, "promotional") == [
        "ADVERTISEMENT\nThinking of moving?",
        "Homes start from $289,000.",
        "Terms apply.",
    ]


def test_a_capitalised_imperative_motto_in_quotation_marks_is_a_slogan_without_its_marks():
    text = "The rally closed with a new “Make Ruritania Great Again” banner."
    assert found(text, "slogan") == ["Make Ruritania Great Again"]


def test_a_short_quoted_phrase_called_a_motto_is_a_slogan():
    text = 'Her campaign motto, "build the bridges", was printed on every leaflet.'
    assert found(text, "slogan") == ["build the bridges"]


def test_a_short_capitalised_line_standing_alone_is_a_slogan():
    text = "The club published its plans.\n\nOne Club. One Town."
    assert found(text, "slogan") == ["One Club.", "One Town."]


def test_a_quoted_sentence_is_not_a_slogan():
    text = "“We will build the bridge next year,” said the mayor."
    assert found(text, "slogan") == []


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        ("Critics say the plan will fail.", "Critics say"),
        ("Some analysts believe rates will fall.", "Some analysts"),
        ("It is widely believed that the deal is done.", "It is widely believed"),
        ("Shopkeepers fear the worst.", "Shopkeepers fear"),
        ("Sources close to the board said it was over.", "Sources close to the board said"),
    ],
)
def test_a_source_no_one_could_check_is_vague(sentence, phrase):
    assert found(sentence, "vague-source") == [phrase]


def test_a_named_source_is_not_vague():
    assert found("Critics such as Ana Ruiz say the plan will fail.", "vague-source") == []
    assert (
        found("Ana Ruiz, an analyst at Rowe Capital, said rates would fall.", "vague-source") == []
    )


def test_a_vague_source_inside_a_quotation_is_the_speaker_s():
    text = "“Critics say all sorts of things,” the mayor said."
    assert found(text, "vague-source") == []


def test_a_guess_about_the_future_is_speculation_and_a_plain_fact_is_not():
    text = "The meeting will likely touch on trade. The meeting lasted an hour."
    assert found(text, "speculation") == ["The meeting will likely touch on trade."]


def test_a_forecast_credited_to_someone_named_scores_lower_than_the_article_s_own():
    own = read(ingest_text("Prices are expected to rise."))
    credited = read(ingest_text("Prices are expected to rise, the bank said."))
    score_own = [c.score for c in find_candidates(own, 0) if c.device == "speculation"]
    score_credited = [c.score for c in find_candidates(credited, 0) if c.device == "speculation"]
    assert score_credited[0] < score_own[0]


def test_a_judgement_stated_as_certain_is_opinion_as_fact_unless_someone_holds_it():
    text = "Clearly, the plan is a failure. The minister said the plan is clearly a failure."
    assert found(text, "opinion-as-fact") == ["Clearly, the plan is a failure."]


def test_what_ought_to_happen_is_opinion_as_fact():
    text = "The report came out on Monday. The council should resign at once."
    assert found(text, "opinion-as-fact") == ["The council should resign at once."]


def test_loaded_words_are_found_alone_and_plain_words_are_not():
    text = "Protesters slammed the whopping rise. The police arrested two men."
    assert found(text, "loaded-language") == ["slammed", "whopping"]


def test_loaded_words_inside_a_quotation_are_left_to_the_quotation():
    text = "“It is a disgraceful, shameful decision,” she said."
    assert found(text, "loaded-language") == []


def test_labels_for_people_are_labelling():
    text = "The so-called experts met the greedy owners and the pen-pushers at City Hall."
    assert found(text, "labelling") == ["so-called experts", "greedy owners", "pen-pushers"]


def test_a_quotation_credited_in_its_paragraph_is_an_attributed_quote():
    text = (
        'Baker Lina Ortiz said: "Half my customers come over that bridge. '
        'Without them I cannot last."\n\n"It is a scandal," fumed Terry Dunn. "We pay the price."'
    )
    assert found(text, "attributed-quote") == [
        '"Half my customers come over that bridge. Without them I cannot last."',
        '"It is a scandal,"',
        '"We pay the price."',
    ]


def test_scare_quotes_with_no_speaker_are_not_attributed_quotes():
    assert found("The so-called “reform” passed on Monday.", "attributed-quote") == []


def test_credentials_offered_in_place_of_evidence_are_an_appeal_to_authority():
    text = "Experts agree that the scheme works. The scheme started in May."
    assert found(text, "appeal-to-authority") == ["Experts agree that the scheme works."]


def test_national_pride_is_flag_waving():
    text = "The vote is on Sunday. Every patriot must stand up for our great nation."
    assert found(text, "flag-waving") == ["Every patriot must stand up for our great nation."]


def test_a_dramatising_headline_is_headline_framing_and_a_topic_label_is_not():
    text = (
        "BRIDGE OF SHAME: Commuters face misery\n\nThe bridge closes in March.\n\n"
        "Budget details\n\nThe work costs $14 million."
    )
    assert found(text, "headline-framing") == ["BRIDGE OF SHAME: Commuters face misery"]


def test_a_fact_only_one_article_reports_is_selective_emphasis():
    a = ingest_text(
        "The bridge will close on 3 March for repairs.\n\n"
        "The repairs will cost 14 million dollars, paid by Delmar Bank."
    )
    b = ingest_text("The bridge will close on 3 March for repairs.\n\nDrivers are angry.")
    candidates = find_omissions(read(a), read(b), align_documents(a, b))
    assert [(c.document, a.text[c.start : c.end]) for c in candidates if c.document == 0] == [
        (0, "The repairs will cost 14 million dollars, paid by Delmar Bank.")
    ]
    assert "14 million" in candidates[0].reason and "Delmar Bank" in candidates[0].reason


def test_facts_missing_compares_numbers_and_names_with_the_other_text():
    numbers, names = facts_missing(
        "In 1998 Acme paid $550 billion to Jo Lee and Acme.", "acme paid jo lee in 1998"
    )
    assert numbers == ["$550 billion"]
    assert names == []
