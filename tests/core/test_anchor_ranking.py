"""How anchor_quote ranks repeated quotes: overlapping repeats, context on each side, defaults.

Each text is small enough to count by hand; positions are written under the strings.
"""

from __future__ import annotations

from annotations.records import Span
from annotations.text.anchor import anchor_quote


def test_overlapping_repeats_are_all_candidates():
    # "aa" starts at 0 and at 1 in "aaa"; the hint picks the second.
    assert anchor_quote("aaa", "aa", hint=1) == Span(1, 3)
    assert anchor_quote("aaa", "aa", hint=2) == Span(1, 3)
    # "aba" at 0 and 2 in "ababa".
    assert anchor_quote("ababa", "aba", hint=2) == Span(2, 5)


def test_context_agreement_counts_every_shared_character():
    # a0 b1 c2 Q3 .4 z5 c6 Q7 x8 .9
    # Q at 3: "abc" before (3 shared with the prefix), ".." after (0) -> 3.
    # Q at 7: ".zc" before (1: "c"), "x." after (1: "x") -> 2.
    assert anchor_quote("abcQ.zcQx.", "Q", prefix="abc", suffix="xy") == Span(3, 4)
    # .0 Q1 a2 b3 c4 .5 x6 Q7 a8 z9
    # Q at 1: "." before (0), "abc" after (3) -> 3.  Q at 7: ".x" (1) and "az" (1) -> 2.
    assert anchor_quote(".Qabc.xQaz", "Q", prefix="yx", suffix="abc") == Span(1, 2)


def test_prefix_and_suffix_weigh_the_same():
    # a0 b1 Q2 .3 .4 .5 Q6 x7 y8 z9
    # Q at 2: prefix shares 2, suffix 0 -> 2.  Q at 6: prefix 0, suffix shares 3 -> 3.
    assert anchor_quote("abQ...Qxyz", "Q", prefix="ab", suffix="xyz") == Span(6, 7)
    # Q0 x1 y2 .3 a4 b5 c6 Q7 .8
    # Q at 0: prefix 0, suffix shares 2 -> 2.  Q at 7: prefix shares 3, suffix 0 -> 3.
    assert anchor_quote("Qxy.abcQ.", "Q", prefix="abc", suffix="xy") == Span(7, 8)


def test_a_prefix_reaching_the_start_of_the_text_is_read_from_the_first_character():
    # x0 y1 Q2 z3 y4 Q5: Q at 2 has "xy" before (2 shared), Q at 5 "zy" (1 shared).
    # Context outranks the hint, so the first Q wins although the hint points at the second.
    assert anchor_quote("xyQzyQ", "Q", prefix="xy", hint=5) == Span(2, 3)


def test_without_context_no_occurrence_is_preferred_for_its_surroundings():
    # Nothing given: the first occurrence, or the one nearest the hint, whatever is around it.
    assert anchor_quote("ab XXXXab", "ab") == Span(0, 2)
    assert anchor_quote("abXXXX ab", "ab", hint=7) == Span(7, 9)
