"""Word-level differences inside an aligned pair of passages.

Both passages are split into words and punctuation marks with their offsets; RapidFuzz's
``Indel.opcodes`` on the two token lists (compared case-insensitively, with typographic quotes
and dashes folded) gives equal / replace / insert / delete runs, which are mapped back to spans
of each document's original text.
"""

from __future__ import annotations

import re
from typing import cast

from rapidfuzz.distance import Indel

from annotations.records import DiffOp
from annotations.records import DiffTag
from annotations.records import Span

__all__ = [
    "diff_passages",
    "tokenize",
]

_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]", re.UNICODE)
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": "-", "–": "-"})


def tokenize(text: str, span: Span) -> list[Span]:
    """Return the word and punctuation tokens of ``text`` inside ``span``.

    >>> t = "Trump’s call, “good.”"
    >>> [t[s.start:s.end] for s in tokenize(t, Span(0, len(t)))]
    ['Trump’s', 'call', ',', '“', 'good', '.', '”']
    """
    return [Span(m.start(), m.end()) for m in _TOKEN.finditer(text, span.start, span.end)]


def _key(text: str, token: Span) -> str:
    return token.slice(text).translate(_FOLD).casefold()


def _cover(tokens: list[Span], first: int, last: int, at: int) -> Span:
    """Return the span of tokens[first:last], or an empty span at ``at`` if there are none."""
    if first >= last:
        return Span(at, at)
    return Span(tokens[first].start, tokens[last - 1].end)


def diff_passages(a_text: str, a: Span, b_text: str, b: Span) -> tuple[DiffOp, ...]:
    """Return the word-level edit runs that turn passage ``a`` into passage ``b``.

    Empty sides of insert/delete runs are zero-length spans placed where the change happens.

    >>> a_text, b_text = "She praised the deal.", "She warmly praised the trade deal."
    >>> ops = diff_passages(a_text, Span(0, len(a_text)), b_text, Span(0, len(b_text)))
    >>> [(o.tag, o.a.slice(a_text), o.b.slice(b_text)) for o in ops if o.tag != "equal"]
    [('insert', '', 'warmly'), ('insert', '', 'trade')]
    """
    tokens_a = tokenize(a_text, a)
    tokens_b = tokenize(b_text, b)
    keys_a = [_key(a_text, t) for t in tokens_a]
    keys_b = [_key(b_text, t) for t in tokens_b]
    ops: list[DiffOp] = []
    for op in Indel.opcodes(keys_a, keys_b):
        at_a = tokens_a[op.src_start].start if op.src_start < len(tokens_a) else a.end
        at_b = tokens_b[op.dest_start].start if op.dest_start < len(tokens_b) else b.end
        ops.append(
            DiffOp(
                tag=cast(DiffTag, op.tag),
                a=_cover(tokens_a, op.src_start, op.src_end, at_a),
                b=_cover(tokens_b, op.dest_start, op.dest_end, at_b),
            )
        )
    return tuple(ops)
