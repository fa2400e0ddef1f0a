from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from annotations.text.segment import find_blank_runs
from annotations.text.segment import find_marker
from annotations.text.segment import segment_text
from annotations.text.segment import split_paragraphs

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED_A = (SEEDS / "000_934de63c848709fa.txt").read_text(encoding="utf-8")
SEED_B = (SEEDS / "004_c1ee273f4eb3ca13.txt").read_text(encoding="utf-8")


def sentences(text: str, source_format: str = "text") -> list[str]:
    seg = segment_text(text, source_format=source_format)  # type: ignore[arg-type]
    return [text[s.start : s.end] for s in seg.sentences]


def test_abbreviations_stay_inside_sentences():
    text = (
        "Mr. Abe met U.S. officials on Monday. The Japan–U.S. alliance was discussed. "
        "Dr. Smith agreed."
    )
    assert sentences(text) == [
        "Mr. Abe met U.S. officials on Monday.",
        "The Japan–U.S. alliance was discussed.",
        "Dr. Smith agreed.",
    ]


def test_quotation_and_em_dash():
    text = "She said, “I am grateful. We will work together.” Then she left — quickly."
    got = sentences(text)
    assert got[0].startswith("She said, “I am grateful.")
    assert got[-1] == "Then she left — quickly."
    assert "".join(got).replace(" ", "") == text.replace(" ", "")


def test_marker_is_kept_out_of_the_first_sentence():
    seg = segment_text(SEED_A)
    (marker,) = seg.markers
    assert SEED_A[marker.start : marker.end] == "date 2025-10-25"
    assert (marker.key, marker.value) == ("date", "2025-10-25")
    first = seg.sentences[0]
    assert SEED_A[first.start : first.end].startswith("Japan’s new Prime Minister")
    assert first.start > marker.end


def test_marker_needs_a_date():
    assert find_marker(" date of the meeting was set") is None
    assert find_marker("Dated 2025-10-25 text") is None


def test_seed_a_headings_and_sentences():
    seg = segment_text(SEED_A)
    headings = [SEED_A[h.start : h.end] for h in seg.headings]
    assert headings == [
        "Takaichi signals direction of Japan’s policy",
        "Alliance priorities and economic commitments",
    ]
    texts = [SEED_A[s.start : s.end] for s in seg.sentences]
    assert texts[-1] == (
        "Join a premium crypto trading community free for 30 days - normally $100/mo."
    )
    assert "Takaichi later expanded on the conversation." in texts
    assert not any(h in t for h in headings for t in texts)
    # The four-sentence quotation of Takaichi's statement gives four sentences.
    assert "First of all, he warmly" in texts[8] and texts[7].endswith("President Trump.")
    assert len(texts) == 36


def test_seed_b_one_paragraph_per_line_and_trailing_blank_lines():
    seg = segment_text(SEED_B)
    assert len(seg.paragraphs) == 11
    assert seg.headings == ()
    last = seg.sentences[-1]
    assert SEED_B[last.start : last.end].endswith("“Make Japan Great Again” era.")
    assert seg.blank_runs[-1].end == len(SEED_B)


def test_hard_wrapped_lines_stay_one_paragraph():
    text = "The council voted on\nTuesday to approve the\nnew bus lane.\n\nIt opens in May."
    paragraphs = split_paragraphs(text)
    assert [text[p.start : p.end] for p in paragraphs] == [
        "The council voted on\nTuesday to approve the\nnew bus lane.",
        "It opens in May.",
    ]


def test_markdown_headings_and_list_items():
    text = "# Big news\n\nThe vote passed.\n\n## Details\n\n- First item here.\n- Second item."
    seg = segment_text(text, source_format="markdown")
    assert [text[h.start : h.end] for h in seg.headings] == ["# Big news", "## Details"]
    assert sentences(text, "markdown") == [
        "The vote passed.",
        "- First item here.",
        "- Second item.",
    ]


def test_single_line_is_never_a_heading():
    seg = segment_text("Just a title-like line")
    assert seg.headings == ()
    assert len(seg.sentences) == 1


def test_news_abbreviations_stay_inside_sentences():
    text = (
        "Sen. Marco Rubio, R-Fla., accused Obama on Tuesday. The U.S. Senate voted at 11 a.m. "
        "on the plan. J. R. Smith arrived at 9:30 p.m. Eastern time. Rep. John Lewis, D-Ga., "
        "agreed."
    )
    assert sentences(text) == [
        "Sen. Marco Rubio, R-Fla., accused Obama on Tuesday.",
        "The U.S. Senate voted at 11 a.m. on the plan.",
        "J. R. Smith arrived at 9:30 p.m. Eastern time.",
        "Rep. John Lewis, D-Ga., agreed.",
    ]


def test_multi_sentence_quotation_is_split_into_its_sentences():
    text = '"NO TEXTING AT AMC. Won\'t happen. You spoke. We listened," the company wrote.'
    assert sentences(text) == [
        '"NO TEXTING AT AMC.',
        "Won't happen.",
        "You spoke.",
        'We listened," the company wrote.',
    ]


def test_a_quoted_question_continues_into_its_attribution():
    text = "“Is this the end?” she asked. Nobody answered."
    assert sentences(text) == ["“Is this the end?” she asked.", "Nobody answered."]


def test_story_highlights_and_bullet_lines_are_units():
    text = (
        "Story highlights\nObama says the deal protects the middle class\n"
        "Republicans call it a tax increase\nThe vote is expected next week\n\n"
        "The Senate met.\n\n- Prices rose 3.2% in May\n- Unemployment fell"
    )
    seg = segment_text(text)
    assert seg.headings == ()
    assert sentences(text) == [
        "Story highlights",
        "Obama says the deal protects the middle class",
        "Republicans call it a tax increase",
        "The vote is expected next week",
        "The Senate met.",
        "- Prices rose 3.2% in May",
        "- Unemployment fell",
    ]


def test_highlight_lines_between_blank_lines_are_units_not_headings():
    text = (
        "Senate passes the bill\n\nStory highlights\n\nObama says the deal protects the "
        "middle class\n\nRepublicans call it a tax increase\n\nThe Senate voted on Tuesday."
    )
    seg = segment_text(text)
    assert [text[h.start : h.end] for h in seg.headings] == ["Senate passes the bill"]
    assert sentences(text) == [
        "Story highlights",
        "Obama says the deal protects the middle class",
        "Republicans call it a tax increase",
        "The Senate voted on Tuesday.",
    ]


def test_japanese_and_chinese_sentences_end_at_full_stops():
    ja = "首相は「日米同盟を強化したい。一緒に頑張りましょう」と述べた。会談は約25分間だった。"
    seg = segment_text(ja, language="ja")
    assert [ja[s.start : s.end] for s in seg.sentences] == [
        "首相は「日米同盟を強化したい。",
        "一緒に頑張りましょう」と述べた。",
        "会談は約25分間だった。",
    ]
    zh = "日本首相\n\n双方同意加强日美同盟。通话持续约25分钟吗？是的！"
    seg = segment_text(zh, language="zh")
    assert [zh[h.start : h.end] for h in seg.headings] == ["日本首相"]
    assert [zh[s.start : s.end] for s in seg.sentences] == [
        "双方同意加强日美同盟。",
        "通话持续约25分钟吗？",
        "是的！",
    ]


def test_language_specific_abbreviations():
    fr = "Le Sénat a voté par 195 voix contre 112. M. Dupont a salué le vote."
    assert [fr[s.start : s.end] for s in segment_text(fr, language="fr").sentences] == [
        "Le Sénat a voté par 195 voix contre 112.",
        "M. Dupont a salué le vote.",
    ]
    de = "Das kostet z. B. Geld. Am 3. Oktober ist Feiertag."
    assert [de[s.start : s.end] for s in segment_text(de, language="de").sentences] == [
        "Das kostet z. B. Geld.",
        "Am 3. Oktober ist Feiertag.",
    ]


def test_blank_runs():
    text = "One.\n\n\nTwo.\n \nThree."
    assert [text[s.start : s.end] for s in find_blank_runs(text)] == ["\n\n\n", "\n \n"]


def test_emoji_offsets_are_code_points():
    text = "Fans cheered 🎉 loudly. Then they left."
    assert sentences(text) == ["Fans cheered 🎉 loudly.", "Then they left."]


words = st.sampled_from(
    [
        "Mr.",
        "Abe",
        "U.S.",
        "said",
        "the",
        "deal",
        "“quote.”",
        "—",
        "ok.",
        "Yes!",
        "🎉",
        "é",
        "2.5",
        "\n",
        "\n\n",
        '"No.',
        'Never."',
        "«Oui.»",
        "she",
        "a.m.",
        "R-Fla.,",
        "「はい。",
        "いいえ。」",
        "中文。",
        "- item",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(words, max_size=40).map(" ".join), st.sampled_from([" date 2025-01-02 ", "", "  "]))
def test_spans_are_exact_ordered_and_cover_all_prose(body, prefix):
    text = prefix + body
    seg = segment_text(text)
    previous_end = 0
    covered = set()
    for s in seg.sentences:
        piece = text[s.start : s.end]
        assert piece and piece == piece.strip()
        assert s.start >= previous_end
        previous_end = s.end
        covered.update(range(s.start, s.end))
    for p in seg.paragraphs:
        assert text[p.start : p.end] == text[p.start : p.end].strip()
        if p.kind == "prose":
            missing = [
                i for i in range(p.start, p.end) if not text[i].isspace() and i not in covered
            ]
            assert missing == []
    marker_chars = {i for m in seg.markers for i in range(m.start, m.end)}
    assert not marker_chars & covered
