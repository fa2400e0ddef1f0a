"""Learn from a person's tags: propose the same device again where it recurs.

In the spirit of a string-matching recommender, each annotation a person stands behind
(``human`` or ``accepted``) teaches phrase matchers for its tags, and each ``rejected`` one
counts against the matchers it would have made:

- **exact**: the quote as written;
- **folded**: the quote's words lower-cased and stemmed (Snowball), so "Analysts say" also
  finds "analyst says";
- **shape**: a phrase of 3 to 8 words with one slot, a number or a capitalised word inside
  the phrase, which any number or capitalised word fills: "Make Japan Great Again" teaches
  "Make _ Great Again", which finds "Make America Great Again".

A matcher proposes a span when it has more acceptances than rejections; its score is a
base per kind times ``(accepted + 1) / (accepted + rejected + 2)``. Matching runs inside one
paragraph at a time, so no span crosses one, and a span is not proposed where an
annotation of the same tag is (in any status), nor where that document already holds a
rejected annotation of the same tag and words. Deterministic: the same input gives the same
suggestions in the same order.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final
from typing import Literal

from annotations.framing.taxonomy import TagSet
from annotations.records import Document
from annotations.records import Suggestion
from annotations.text.languages import language_tools

__all__ = [
    "FOR_STATUSES",
    "Matcher",
    "PastTag",
    "drop_settled",
    "learn_matchers",
    "merge_suggestions",
    "suggest_learned",
]

MatcherKind = Literal["exact", "folded", "shape"]

FOR_STATUSES: Final = frozenset({"human", "accepted"})
"""Statuses that count for a matcher; ``rejected`` counts against, ``suggested`` not at all."""

_BASE: Final[dict[MatcherKind, float]] = {"exact": 0.9, "folded": 0.8, "shape": 0.6}
_WORD: Final = re.compile(r"\w+(?:['’]\w+)*")
_SLOT: Final = "\x00"  # a shape's slot; no word token can be this
_MAX_SHAPE_WORDS: Final = 8
_MIN_SHAPE_WORDS: Final = 3


@dataclass(frozen=True, slots=True)
class PastTag:
    """One tag a person gave, accepted or rejected earlier, as learning reads it.

    ``document`` is the index of its document among those being suggested for (None when it
    was made on another article), with ``start``/``end`` into that document's text;
    ``where`` names the other article for the reason ("'Tokyo report'").
    """

    quote: str
    tag: str
    status: str
    where: str = "an earlier article"
    document: int | None = None
    start: int = 0
    end: int = 0


@dataclass(frozen=True, slots=True)
class Matcher:
    """A learned phrase: what it matches, for which tag, and how the person judged it.

    ``words`` are the folded words (with a slot for a shape); ``text`` is the exact quote
    for an ``exact`` matcher. ``example`` and ``example_where`` say where it was learned.
    """

    kind: MatcherKind
    tag: str
    words: tuple[str, ...]
    text: str
    accepted: int
    rejected: int
    example: str
    example_where: PastTag

    @property
    def score(self) -> float:
        """Return how sure a match is: the kind's base times the smoothed acceptance rate."""
        rate = (self.accepted + 1) / (self.accepted + self.rejected + 2)
        return round(_BASE[self.kind] * rate, 4)

    @property
    def is_trusted(self) -> bool:
        """Return True when the person accepted it more often than they rejected it."""
        return self.accepted > self.rejected


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    folded: str
    is_slot: bool


def _tokens(text: str, start: int, end: int, language: str) -> list[_Token]:
    tools = language_tools(language)
    tokens = []
    for match in _WORD.finditer(text, start, end):
        word = match.group()
        lowered = word.lower().replace("’", "'")
        slot = any(ch.isdigit() for ch in word) or word[:1].isupper()
        tokens.append(_Token(match.start(), match.end(), tools.stem(lowered), slot))
    return tokens


def _has_content(words: Iterable[str], language: str) -> bool:
    stopwords = language_tools(language).stopwords
    return any(word != _SLOT and word not in stopwords and not word.isdigit() for word in words)


def _keys(past: PastTag, language: str) -> list[tuple[MatcherKind, tuple[str, ...], str]]:
    """Return the matchers one quote makes: exact, folded and its one-slot shapes."""
    quote = past.quote.strip()
    tokens = _tokens(quote, 0, len(quote), language)
    words = tuple(token.folded for token in tokens)
    if len(quote) < 3 or not words or not _has_content(words, language):
        return []
    keys: list[tuple[MatcherKind, tuple[str, ...], str]] = [
        ("exact", words, quote),
        ("folded", words, ""),
    ]
    if _MIN_SHAPE_WORDS <= len(tokens) <= _MAX_SHAPE_WORDS:
        # The first word is capitalised as any sentence's is, so it is never the slot.
        for index in range(1, len(tokens)):
            if tokens[index].is_slot:
                shape = words[:index] + (_SLOT,) + words[index + 1 :]
                if _has_content(shape, language):
                    keys.append(("shape", shape, ""))
    return keys


def learn_matchers(past: Iterable[PastTag], *, language: str = "en") -> tuple[Matcher, ...]:
    """Return the matchers the past tags teach, with their acceptance and rejection counts.

    >>> tags = [PastTag("analysts said", "vague-source", "human"),
    ...         PastTag("Analysts said", "vague-source", "rejected")]
    >>> [(m.kind, m.accepted, m.rejected) for m in learn_matchers(tags)]
    [('exact', 0, 1), ('exact', 1, 0), ('folded', 1, 1)]
    """
    counts: dict[tuple[MatcherKind, str, tuple[str, ...], str], list[int]] = defaultdict(
        lambda: [0, 0]
    )
    first: dict[tuple[MatcherKind, str, tuple[str, ...], str], PastTag] = {}
    for item in past:
        if item.status in FOR_STATUSES:
            column = 0
        elif item.status == "rejected":
            column = 1
        else:
            continue
        for kind, words, text in _keys(item, language):
            key = (kind, item.tag, words, text)
            counts[key][column] += 1
            # The example a reason shows is the first tag that counted for the matcher.
            if key not in first or (column == 0 and first[key].status not in FOR_STATUSES):
                first[key] = item
    order: dict[MatcherKind, int] = {"exact": 0, "folded": 1, "shape": 2}
    matchers = [
        Matcher(
            kind=kind,
            tag=tag,
            words=words,
            text=text,
            accepted=accepted,
            rejected=rejected,
            example=first[(kind, tag, words, text)].quote.strip(),
            example_where=first[(kind, tag, words, text)],
        )
        for (kind, tag, words, text), (accepted, rejected) in counts.items()
    ]
    return tuple(sorted(matchers, key=lambda m: (order[m.kind], m.tag, m.words, m.text)))


def _paragraphs(document: Document) -> list[tuple[int, int]]:
    spans = [(p.start, p.end) for p in document.segmentation.paragraphs]
    return spans or [(0, len(document.text))]


def _where(source: PastTag, document: int) -> str:
    if source.document is None:
        return source.where
    return "this article" if source.document == document else "the other article"


def _reason(matcher: Matcher, tag_name: str, document: int) -> str:
    where = _where(matcher.example_where, document)
    reason = f"you tagged '{matcher.example}' as {tag_name} in {where}"
    if matcher.kind == "shape":
        reason += " (the same phrase with another name or number)"
    return reason


def _overlaps(start: int, end: int, other_start: int, other_end: int) -> bool:
    return start < other_end and other_start < end


def _matches(
    document: Document, matchers: Sequence[Matcher], language: str
) -> Iterable[tuple[int, int, Matcher]]:
    text = document.text
    exact = [m for m in matchers if m.kind == "exact"]
    by_first: dict[str, list[Matcher]] = defaultdict(list)
    for matcher in matchers:
        if matcher.kind != "exact":
            by_first[matcher.words[0]].append(matcher)
    for para_start, para_end in _paragraphs(document):
        for matcher in exact:
            at = text.find(matcher.text, para_start, para_end)
            while at != -1:
                end = at + len(matcher.text)
                # Whole words only: "rally" must not match inside "rallying".
                before = text[at - 1 : at]
                after = text[end : end + 1]
                if not (before.isalnum() or after.isalnum()):
                    yield at, end, matcher
                at = text.find(matcher.text, at + 1, para_end)
        tokens = _tokens(text, para_start, para_end, language)
        for position, token in enumerate(tokens):
            for matcher in by_first.get(token.folded, ()):
                size = len(matcher.words)
                window = tokens[position : position + size]
                if len(window) < size:
                    continue
                if all(
                    (word == _SLOT and got.is_slot) or word == got.folded
                    for word, got in zip(matcher.words, window, strict=True)
                ):
                    yield window[0].start, window[-1].end, matcher


def _fold(quote: str, language: str) -> tuple[str, ...]:
    return tuple(token.folded for token in _tokens(quote, 0, len(quote), language))


def drop_settled(
    suggestions: Iterable[Suggestion], past: Sequence[PastTag], *, language: str = "en"
) -> list[Suggestion]:
    """Return the suggestions that no annotation of these documents settles already.

    A suggestion goes when an annotation of its document with the same tag overlaps it (any
    status: a tag, an accepted or a pending suggestion, a rejection), or when that document
    holds a rejected annotation of the same tag with the same folded words anywhere.
    """
    spans: dict[tuple[int, str], list[tuple[int, int]]] = defaultdict(list)
    rejected: set[tuple[int, str, tuple[str, ...]]] = set()
    for item in past:
        if item.document is None:
            continue
        spans[(item.document, item.tag)].append((item.start, item.end))
        if item.status == "rejected":
            rejected.add((item.document, item.tag, _fold(item.quote, language)))
    kept = []
    for suggestion in suggestions:
        taken = spans.get((suggestion.document, suggestion.tag), ())
        if any(_overlaps(suggestion.start, suggestion.end, s, e) for s, e in taken):
            continue
        if (suggestion.document, suggestion.tag, _fold(suggestion.quote, language)) in rejected:
            continue
        kept.append(suggestion)
    return kept


def merge_suggestions(suggestions: Iterable[Suggestion]) -> list[Suggestion]:
    """Return the suggestions with, of those overlapping with one tag in one document, the surest.

    Ties go to the longer span, then the earlier one; the result is by document and start.
    """
    kept: list[Suggestion] = []
    ordered = sorted(suggestions, key=lambda s: (-s.score, s.start - s.end, s.document, s.start))
    for suggestion in ordered:
        if any(
            other.document == suggestion.document
            and other.tag == suggestion.tag
            and _overlaps(suggestion.start, suggestion.end, other.start, other.end)
            for other in kept
        ):
            continue
        kept.append(suggestion)
    return sorted(kept, key=lambda s: (s.document, s.start, s.end, s.tag))


def suggest_learned(
    documents: Sequence[Document],
    tag_set: TagSet,
    past: Sequence[PastTag],
    *,
    language: str = "en",
) -> list[Suggestion]:
    """Return what the person's past tags propose in ``documents``, by document and start.

    Only tags of ``tag_set`` are proposed, by matchers the person accepted more often than
    rejected; overlapping matches of one tag keep the surest (then the longest) one.

    >>> from annotations.text.ingest import ingest_text
    >>> doc = ingest_text("Analysts said it would fail. Later, analysts said it worked.")
    >>> from annotations.framing.taxonomy import Tag
    >>> tags = TagSet("s", "S", "", tags=(Tag("vague", "Vague source", "", "#000000"),))
    >>> past = [PastTag("Analysts said", "vague", "human", document=0, start=0, end=13)]
    >>> [(s.start, s.quote) for s in suggest_learned([doc], tags, past)]
    [(36, 'analysts said')]
    """
    names: Mapping[str, str] = {tag.key: tag.name for tag in tag_set.tags}
    matchers = [
        m for m in learn_matchers(past, language=language) if m.is_trusted and m.tag in names
    ]
    found: list[Suggestion] = []
    for index, document in enumerate(documents):
        candidates = sorted(
            _matches(document, matchers, language),
            key=lambda c: (-c[2].score, -(c[1] - c[0]), c[0], c[2].tag),
        )
        chosen: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for start, end, matcher in candidates:
            if any(_overlaps(start, end, s, e) for s, e in chosen[matcher.tag]):
                continue
            chosen[matcher.tag].append((start, end))
            found.append(
                Suggestion(
                    document=index,
                    start=start,
                    end=end,
                    quote=document.text[start:end],
                    tag=matcher.tag,
                    reason=_reason(matcher, names[matcher.tag], index),
                    score=matcher.score,
                    source="learned",
                )
            )
    kept = drop_settled(found, past, language=language)
    return sorted(kept, key=lambda s: (s.document, s.start, s.end, s.tag))
