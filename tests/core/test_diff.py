from __future__ import annotations

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from annotations.records import Span
from annotations.text.diff import diff_passages
from annotations.text.diff import tokenize


def fold(text: str) -> str:
    return text.replace("“", '"').replace("”", '"').casefold()


def whole(text: str) -> Span:
    return Span(0, len(text))


def changes(a: str, b: str) -> list[tuple[str, str, str]]:
    return [
        (op.tag, op.a.slice(a), op.b.slice(b))
        for op in diff_passages(a, whole(a), b, whole(b))
        if op.tag != "equal"
    ]


def test_replace_insert_delete():
    a = "Trump warmly congratulated her on Saturday."
    b = "Trump congratulated her and praised her leadership on Saturday."
    got = changes(a, b)
    assert ("delete", "warmly", "") in got
    assert any(tag == "insert" and "praised" in new for tag, _, new in got)


def test_case_and_typographic_quotes_are_not_differences():
    a = 'She called it "good and candid."'
    b = "she called it “good and candid.”"
    assert changes(a, b) == []


def test_offsets_point_into_the_original_texts_with_prefix():
    a = "xxxx Rain fell in Leeds."
    b = "yy Rain fell hard in Leeds 🎉."
    ops = diff_passages(a, Span(5, len(a)), b, Span(3, len(b)))
    inserted = [op.b.slice(b) for op in ops if op.tag == "insert"]
    assert inserted == ["hard", "🎉"]
    assert all(op.a.start >= 5 and op.b.start >= 3 for op in ops)


text = st.lists(
    st.sampled_from(["rain", "fell", "in", "Leeds", ",", ".", "🎉", "hard", "“", "”"]), max_size=15
).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(text, text)
def test_ops_cover_both_passages_in_order(a, b):
    ops = diff_passages(a, whole(a), b, whole(b))
    tokens_a = [t.slice(a) for t in tokenize(a, whole(a))]
    tokens_b = [t.slice(b) for t in tokenize(b, whole(b))]
    rebuilt_a = [t.slice(a) for op in ops for t in tokenize(a, op.a)]
    rebuilt_b = [t.slice(b) for op in ops for t in tokenize(b, op.b)]
    assert rebuilt_a == tokens_a and rebuilt_b == tokens_b
    for op in ops:
        if op.tag == "equal":
            assert fold(op.a.slice(a)) == fold(op.b.slice(b))
        if op.tag == "insert":
            assert len(op.a) == 0
        if op.tag == "delete":
            assert len(op.b) == 0
