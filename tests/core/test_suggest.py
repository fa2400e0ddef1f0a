"""The suggester's public API: order, spans, tag sets, budget, and the seed examples."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from annotations.framing.suggest import DEVICES
from annotations.framing.suggest import device_tags
from annotations.framing.suggest import suggest
from annotations.framing.suggesting.selection import PER_THOUSAND_WORDS
from annotations.framing.taxonomy import MEDIA_LITERACY
from annotations.framing.taxonomy import PERSUASION_TECHNIQUES
from annotations.framing.taxonomy import POLICY_FRAMES
from annotations.framing.taxonomy import Tag
from annotations.framing.taxonomy import TagSet
from annotations.text.align import align_documents
from annotations.text.ingest import ingest_text
from annotations.text.ingest import read_document

ROOT = Path(__file__).resolve().parents[2]
SEED_A = ROOT / "seeds" / "000_934de63c848709fa.txt"
SEED_B = ROOT / "seeds" / "004_c1ee273f4eb3ca13.txt"

TABLOID = (
    "BRIDGE OF SHAME: Commuters face misery as crumbling crossing shuts\n\n"
    "The rotting bridge will close on 3 March, and furious drivers say the council knew.\n\n"
    "Insiders say the reports were buried. Mill Road is sure to become a car park.\n\n"
    '"It is a scandal," said cabbie Terry Dunn.\n\n'
    "Get the Daily Star delivered to your door - just $2 a week."
)


@pytest.fixture(scope="module")
def seeds():
    a, b = read_document(SEED_A), read_document(SEED_B)
    return a, b, align_documents(a, b)


def test_every_media_literacy_tag_has_a_detector():
    assert set(device_tags(MEDIA_LITERACY).values()) == {tag.key for tag in MEDIA_LITERACY.tags}


def test_devices_map_to_their_semeval_counterparts_and_policy_frames_get_nothing():
    tags = device_tags(PERSUASION_TECHNIQUES)
    assert tags == {
        "slogan": "slogans",
        "vague-source": "obfuscation-or-vagueness",
        "loaded-language": "loaded-language",
        "labelling": "name-calling-or-labeling",
        "appeal-to-authority": "appeal-to-authority",
        "flag-waving": "flag-waving",
    }
    assert device_tags(POLICY_FRAMES) == {}
    assert suggest([ingest_text(TABLOID)], POLICY_FRAMES) == []


def test_a_custom_set_maps_by_tag_name_and_gets_only_what_maps():
    custom = TagSet(
        key="my-set",
        name="My set",
        description="",
        tags=(
            Tag(key="ad", name="Advertising", description="", colour="#aabbcc"),
            Tag(key="emo", name="Emotive language", description="", colour="#bbccdd"),
            Tag(key="other", name="Something else", description="", colour="#ccddee"),
        ),
    )
    assert device_tags(custom) == {"promotional": "ad", "loaded-language": "emo"}
    tags = {s.tag for s in suggest([ingest_text(TABLOID)], custom)}
    assert tags == {"ad", "emo"}


def test_suggestions_are_sorted_inside_one_paragraph_and_quote_the_text(seeds):
    a, b, alignment = seeds
    suggestions = suggest([a, b], MEDIA_LITERACY, alignment=alignment)
    assert suggestions == sorted(suggestions, key=lambda s: (s.document, s.start, s.end, s.tag))
    keys = {tag.key for tag in MEDIA_LITERACY.tags}
    for s in suggestions:
        document = (a, b)[s.document]
        assert s.quote == document.text[s.start : s.end]
        assert s.tag in keys and 0 <= s.score <= 1 and s.reason
        assert s.source == f"rule:{[d.key for d in DEVICES if d.media_literacy == s.tag][0]}"
        paragraphs = [p for p in document.segmentation.paragraphs if p.start <= s.start < p.end]
        assert len(paragraphs) == 1 and s.end <= paragraphs[0].end


def test_both_seed_examples_are_found_with_the_right_tag(seeds):
    a, b, alignment = seeds
    suggestions = suggest([a, b], MEDIA_LITERACY, alignment=alignment)
    promo = a.text.index("Join a premium crypto trading community")
    slogan = b.text.index("Make Japan Great Again")
    assert any(
        s.document == 0 and s.tag == "promotional" and s.start <= promo < s.end for s in suggestions
    )
    assert [(s.quote, s.source) for s in suggestions if s.document == 1 and s.start == slogan] == [
        ("Make Japan Great Again", "rule:slogan")
    ]


def test_the_alignment_is_made_when_not_given(seeds):
    a, b, alignment = seeds
    assert suggest([a, b], MEDIA_LITERACY) == suggest([a, b], MEDIA_LITERACY, alignment=alignment)


def test_one_document_gets_no_omissions_and_document_index_zero():
    suggestions = suggest([ingest_text(TABLOID)], MEDIA_LITERACY)
    assert suggestions and {s.document for s in suggestions} == {0}
    assert "selective-emphasis" not in {s.tag for s in suggestions}


def test_a_short_text_keeps_its_three_most_telling_suggestions_headline_and_advert_first():
    text = TABLOID
    got = [(s.tag, s.quote) for s in suggest([ingest_text(text)], MEDIA_LITERACY)]
    # 60 words give a budget of 1.5 at 25 per 1,000 words; the floor is three suggestions.
    assert len(got) == 3
    assert ("headline-framing", text.split("\n")[0]) in got
    assert ("promotional", "Get the Daily Star delivered to your door - just $2 a week.") in got


def test_the_budget_holds_on_a_text_full_of_devices():
    sentence = "Critics say the shocking, disastrous plan will likely fail. "
    text = "\n\n".join(sentence * 3 for _ in range(40))
    suggestions = suggest([ingest_text(text)], MEDIA_LITERACY)
    words = len(re.findall(r"\w+", text))
    assert len(suggestions) <= words * PER_THOUSAND_WORDS / 1000
    highlighted = set()
    for s in suggestions:
        highlighted.update(range(s.start, s.end))
    assert len(highlighted) < len(text) / 2


def test_the_same_input_gives_the_same_suggestions(seeds):
    a, b, alignment = seeds
    first = suggest([a, b], MEDIA_LITERACY, alignment=alignment)
    assert suggest([a, b], MEDIA_LITERACY, alignment=alignment) == first
