"""Credit and service lines are recognised, and prose that starts like them is not."""

from __future__ import annotations

import pytest

from annotations.text.align import align_sentences
from annotations.text.credits import is_credit_line
from annotations.text.segment import segment_text

CREDIT_LINES = [
    "By Ian Cobb, Sports Desk",
    "Von Petra Lindner",
    "Ein Kommentar von Stefan Aigner",
    "Por Lucía Ferrer | Agencia Iberonoticias",
    "Lindenauer Rundschau | Von Tobias Wendt",
    "Column | By Gretchen Hall",
    "Photo by Brookfield Valley Zoo via AW.",
    "Reviewed by Dr. Lena Ortiz, M.D. | 5 min read",
    "Updated 7:32 a.m. ET, Thu January 15, 2026",
    "Published Feb. 11, 2026",
    "Actualizado a las 23.15",
    "Story highlights",
    "Key takeaways",
    "Watch: Trees crash onto cars in Nashville (1:42)",
    "Read more: Why Estoria matters to U.S. farmers",
    "Photos: The cubs' first checkup",
    "© 2026 Channel 9 Media.",
    "All rights reserved.",
    "Sign up for our Weather Alert newsletter.",
    "Download the WCTN app for traffic alerts.",
    "Suscríbete a nuestro boletín diario.",
    "This article contains details of court testimony.",
    "Gretchen Hall is a columnist for the Harlan Courier.",
    "HARTWELL, Conn.",
    "NASHVILLE, Tenn. (AW)",
    "BERLIN (dpa)",
    "経済部\u3000佐藤健",
    "北陽支局",
]

PROSE = [
    "By Friday, the fire was out.",
    "By Thursday, after a flood of angry posts online, the company had ruled it out.",
    "Por la mañana, el Ayuntamiento aprobó las restricciones.",
    "Von den 38 Stimmen kamen 20 aus der Koalition, sagte der Sprecher am Abend.",
    "Firefighters were called at about 2 a.m.",
    '"NO TEXTING AT STARLIGHT.',
    "NO TEXTING AT STARLIGHT.",
    "The company said its newsletter reached 40,000 readers.",
    "Photographs of the crash were shared widely on Monday.",
    "The jury deliberated for about six hours before returning its verdict.",
    "北斗重工は介護ロボットを発売すると発表した。",
    "Rovers edge Albion 2-1 with late header",
]


@pytest.mark.parametrize("line", CREDIT_LINES)
def test_credit_lines_are_recognised(line):
    assert is_credit_line(line)


@pytest.mark.parametrize("line", PROSE)
def test_prose_and_headlines_are_not_credit_lines(line):
    assert not is_credit_line(line)


def test_a_long_sentence_is_prose_whatever_it_starts_with():
    line = "By " + " ".join(["Ian"] * 20)
    assert not is_credit_line(line)


def test_a_headline_over_its_byline_gives_two_units():
    text = "Rovers edge Albion 2-1 with late header\nBy Ian Cobb, Sports Desk\n\nRovers won."
    units = [text[s.start : s.end] for s in segment_text(text).sentences]
    assert units == [
        "Rovers edge Albion 2-1 with late header",
        "By Ian Cobb, Sports Desk",
        "Rovers won.",
    ]


def test_a_hard_wrapped_sentence_stays_one_unit():
    text = "The council voted on\nTuesday to approve the plan.\n\nIt passed."
    units = [text[s.start : s.end] for s in segment_text(text).sentences]
    assert units == ["The council voted on\nTuesday to approve the plan.", "It passed."]


def test_identical_bylines_and_promotions_are_not_linked():
    head = "By Staff, Tri-County Wire\nSign up for Tri-County Wire's morning newsletter.\n"
    a = head + "A bakery burned."
    b = head + "A school closed."
    spans_a = segment_text(a).sentences
    spans_b = segment_text(b).sentences
    alignment = align_sentences(a, [s.span for s in spans_a], b, [s.span for s in spans_b])
    assert alignment.pairs == ()
