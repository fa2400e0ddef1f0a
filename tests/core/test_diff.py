from __future__ import annotations

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from annotations.records import Span
from annotations.text.diff import diff_passages
from annotations.text.diff import tokenize


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


# What the diff treats as one word: each class lists spellings that differ only in case,
# straight or curly quotes and apostrophes, or the kind of dash.
SPELLINGS = [
    ["rain", "Rain", "RAIN"],
    ["fell", "Fell"],
    ["Leeds", "leeds"],
    ["Trump's", "Trump’s", "TRUMP'S"],
    ["it's", "it’s", "It's"],
    ['"', "“", "”"],
    ["'", "‘", "’"],
    ["-", "–", "—"],
    [","],
    ["."],
    ["🎉"],
    ["hard", "Hard"],
]
SEPARATORS = [" ", "  ", "\n", "\n\n", "\t", " \n  "]
# The test's own folding, written from the spec: case, quotes, apostrophes and dashes.
FOLDS = {"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"}


def spec_fold(token: str) -> str:
    return "".join(FOLDS.get(c, c) for c in token).casefold()


def lcs(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence, by the textbook dynamic programme."""
    row = [0] * (len(b) + 1)
    for x in a:
        previous = row[:]
        for j, y in enumerate(b, start=1):
            row[j] = previous[j - 1] + 1 if x == y else max(previous[j], row[j - 1])
    return row[-1]


words = st.lists(
    st.tuples(st.integers(0, len(SPELLINGS) - 1), st.integers(0, 2), st.sampled_from(SEPARATORS)),
    max_size=15,
)


def spell(drawn: list[tuple[int, int, str]]) -> tuple[str, list[str]]:
    """Return the text of the drawn words (each followed by its separator) and its tokens."""
    tokens = [SPELLINGS[kind][variant % len(SPELLINGS[kind])] for kind, variant, _ in drawn]
    return "".join(t + sep for t, (_, _, sep) in zip(tokens, drawn, strict=True)), tokens


@settings(max_examples=300, deadline=None)
@given(words, words)
def test_ops_cover_both_passages_in_order(drawn_a, drawn_b):
    a, words_a = spell(drawn_a)
    b, words_b = spell(drawn_b)
    ops = diff_passages(a, whole(a), b, whole(b))
    tokens_a = [t.slice(a) for t in tokenize(a, whole(a))]
    tokens_b = [t.slice(b) for t in tokenize(b, whole(b))]
    # The words drawn are the tokens: whitespace of any kind separates, nothing else does.
    assert tokens_a == words_a and tokens_b == words_b
    rebuilt_a = [t.slice(a) for op in ops for t in tokenize(a, op.a)]
    rebuilt_b = [t.slice(b) for op in ops for t in tokenize(b, op.b)]
    assert rebuilt_a == tokens_a and rebuilt_b == tokens_b
    equal = 0
    for op in ops:
        if op.tag == "equal":
            pieces_a = [spec_fold(t.slice(a)) for t in tokenize(a, op.a)]
            pieces_b = [spec_fold(t.slice(b)) for t in tokenize(b, op.b)]
            assert pieces_a == pieces_b
            equal += len(pieces_a)
        if op.tag == "insert":
            assert len(op.a) == 0
        if op.tag == "delete":
            assert len(op.b) == 0
    # The runs keep as many words equal as can be: the longest common subsequence of the
    # folded words.
    assert equal == lcs([spec_fold(t) for t in words_a], [spec_fold(t) for t in words_b])


@settings(max_examples=200, deadline=None)
@given(words, st.lists(st.tuples(st.integers(0, 2), st.sampled_from(SEPARATORS))))
def test_respelling_case_quotes_dashes_and_spacing_is_no_difference(drawn, respellings):
    a, _ = spell(drawn)
    other = [
        (
            kind,
            respellings[i][0] if i < len(respellings) else variant + 1,
            respellings[i][1] if i < len(respellings) else " ",
        )
        for i, (kind, variant, _) in enumerate(drawn)
    ]
    b, _ = spell(other)
    assert changes(a, b) == []
