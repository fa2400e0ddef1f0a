"""Language detection, per-language terms and alignment across languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.text.align import align_documents
from annotations.text.ingest import ingest_text
from annotations.text.languages import detect_language
from annotations.text.languages import language_tools
from annotations.text.tokens import content_terms
from annotations.text.tokens import number_term

SEGMENTATION = Path(__file__).resolve().parents[1] / "data" / "segmentation"


@pytest.mark.parametrize("path", sorted(SEGMENTATION.glob("*.txt")), ids=lambda p: p.stem)
def test_each_test_text_is_detected_in_its_language(path):
    text = path.read_text(encoding="utf-8").replace("⁞", "").replace("§", "")
    assert detect_language(text) == path.stem


def test_detection_without_letters_or_function_words_falls_back_to_english():
    assert detect_language("2025-10-25 12:00") == "en"
    assert detect_language("Xqzv Plomb") == "en"


def test_chinese_has_no_kana_and_japanese_has_some():
    assert detect_language("双方同意加强日美同盟。") == "zh"
    assert detect_language("日米同盟を強化したいと述べた。") == "ja"


def test_number_words_are_numbers_only_when_they_are_numbers():
    # Small whole numbers are terms of their own ("#6"), weighed as common words.
    assert "#6" not in content_terms("Page Six reported the split.")
    assert "#6" in content_terms("Six people were hurt.")
    assert "#6" in content_terms("The blast hurt six people.")
    assert "2" in content_terms("Defense spending rose to 2% of GDP.")


def test_a_japanese_number_keeps_its_counter():
    # "25日" is the 25th, "25分" 25 minutes: the same digits are two facts.
    assert "25日" in content_terms("首相は25日に会談した。", "ja")
    assert "25分" in content_terms("会談は25分間ほど続いた。", "ja")
    assert "25" in content_terms("会談は25分間ほど続いた。", "ja", cross_language=True)


def test_numbers_have_one_written_form_across_languages():
    assert number_term("4,5", "de") == number_term("4.5", "en") == "4.5"
    assert number_term("1.200", "de") == number_term("1,200", "en") == "1200"
    assert "4.5" in content_terms("Der Umsatz stieg um 4,5 Prozent.", "de")


def test_german_words_are_stemmed_and_function_words_dropped():
    terms = content_terms("Die Ministerin traf die Minister der Länder.", "de")
    assert "die" not in terms and "der" not in terms
    assert language_tools("de").stem("ministerin") in terms


def test_japanese_is_tokenised_as_character_bigrams_without_hiragana_pairs():
    terms = content_terms("首相は会談した。", "ja")
    assert "首相" in terms and "会談" in terms
    assert "した" not in terms


def test_cross_language_terms_are_names_numbers_and_initialisms():
    terms = content_terms(
        "Chancellor Scholz met the U.S. envoy on 3 May.", "en", cross_language=True
    )
    assert set(terms) == {"chancellor", "scholz", "us.", "#3", "may"}


GERMAN_A = (
    "Bundeskanzler Olaf Scholz hat am Freitag in Paris Präsident Emmanuel Macron getroffen. "
    "Die beiden sprachen über die Ukraine und den Handel. Der Umsatz der Autoindustrie stieg "
    "um 4,5 Prozent."
)
GERMAN_B = (
    "Der Umsatz der deutschen Autoindustrie ist um 4,5 Prozent gestiegen. In Paris traf "
    "Scholz am Freitag den französischen Präsidenten Macron. Am Abend regnete es in Berlin."
)
JAPANESE_A = (
    "高市早苗首相は25日、トランプ米大統領と初めて電話で会談した。"
    "首相は日米同盟をさらに強化したいと述べた。東京の天気は晴れだった。"
)
JAPANESE_B = (
    "会談は25分間ほど続いた。トランプ大統領と高市首相が25日に電話会談を行った。株価は下落した。"
)


def linked_texts(a: str, b: str) -> set[tuple[str, str]]:
    doc_a, doc_b = ingest_text(a), ingest_text(b)
    alignment = align_documents(doc_a, doc_b)
    return {(p.a.slice(a), p.b.slice(b)) for p in alignment.pairs}


def test_german_pair_links_its_shared_facts():
    assert linked_texts(GERMAN_A, GERMAN_B) == {
        (
            "Bundeskanzler Olaf Scholz hat am Freitag in Paris Präsident Emmanuel Macron "
            "getroffen.",
            "In Paris traf Scholz am Freitag den französischen Präsidenten Macron.",
        ),
        (
            "Der Umsatz der Autoindustrie stieg um 4,5 Prozent.",
            "Der Umsatz der deutschen Autoindustrie ist um 4,5 Prozent gestiegen.",
        ),
    }


def test_japanese_pair_links_its_shared_facts():
    assert linked_texts(JAPANESE_A, JAPANESE_B) == {
        (
            "高市早苗首相は25日、トランプ米大統領と初めて電話で会談した。",
            "トランプ大統領と高市首相が25日に電話会談を行った。",
        )
    }


def test_cross_language_pair_links_on_names_and_numbers_only():
    english = (
        "Chancellor Olaf Scholz met President Emmanuel Macron in Paris on Friday. "
        "Car sales rose 4.5 percent. It rained."
    )
    assert ingest_text(english).meta.language == "en"
    assert ingest_text(GERMAN_A).meta.language == "de"
    assert linked_texts(english, GERMAN_A) == {
        (
            "Chancellor Olaf Scholz met President Emmanuel Macron in Paris on Friday.",
            "Bundeskanzler Olaf Scholz hat am Freitag in Paris Präsident Emmanuel Macron "
            "getroffen.",
        ),
        # A rare figure is a fact in any language.
        ("Car sales rose 4.5 percent.", "Der Umsatz der Autoindustrie stieg um 4,5 Prozent."),
    }


def test_names_are_cited_as_written_runs_of_shared_capitalised_words():
    from annotations.text.tokens import name_phrases

    text = (
        "Trump flew on Air Force One and met Prime Minister Sanae Takaichi; Trump, Takaichi spoke."
    )
    terms = set(content_terms(text))
    assert name_phrases(text, terms) == [
        ("Air Force One", ("air", "forc", "one")),
        ("Prime Minister Sanae Takaichi", ("prime", "minist", "sana", "takaichi")),
    ]
    # Only shared terms make a name, and punctuation ends one ("Trump, Takaichi").
    assert name_phrases(text, terms - {"sana"}) == [
        ("Air Force One", ("air", "forc", "one")),
        ("Prime Minister", ("prime", "minist")),
    ]
