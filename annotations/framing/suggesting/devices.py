"""The detectors that read one document alone: each returns candidates for one device.

Phrase devices (a vague source, a loaded word, a label, a slogan, a quotation) give the
phrase; sentence devices (promotion, speculation, opinion as fact, appeal to authority,
flag-waving) give the sentence; headline framing gives the heading. Nothing crosses a
paragraph, because every span lies inside one unit (a sentence or a heading).

Loaded words, labels and opinion count only in the article's own voice: inside a quotation
they are the speaker's words, which the article reports (an attributed quote).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from annotations.framing.suggesting import cues
from annotations.framing.suggesting.reading import Reading
from annotations.framing.suggesting.reading import Unit

__all__ = ["Candidate", "advert_paragraphs", "find_candidates"]

_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*")
_TITLE_WORD = re.compile(r"[A-Z][\w’'-]*")
_SMALL = frozenset("a an and the of to for in on at by or".split())
_IMPERATIVE = frozenset(
    "make keep take build bring put get stop let never always stand fight vote choose "
    "believe trust give save protect defend back hold join unite rise".split()
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A span one detector proposes for one device, before selection."""

    document: int
    start: int
    end: int
    device: str
    reason: str
    score: float
    sentence: bool


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _edge(reading: Reading, unit: Unit) -> bool:
    """Return whether a unit sits in the first or last two paragraphs."""
    last = len(reading.paragraph_spans) - 1
    return unit.paragraph <= 1 or unit.paragraph >= last - 1


def advert_paragraphs(reading: Reading) -> frozenset[int]:
    """Return the paragraphs labelled as an advertisement, and the one after a bare label."""
    found: set[int] = set()
    for number, (start, end) in enumerate(reading.paragraph_spans):
        if cues.AD_LABEL.match(reading.text[start:end]):
            found.add(number)
            if len(reading.text[start:end].split()) <= 3:
                found.add(number + 1)
    return frozenset(found)


def _promotional(
    reading: Reading, unit: Unit, document: int, adverts: frozenset[int]
) -> Iterator[Candidate]:
    text = reading.text[unit.start : unit.end]
    if unit.paragraph in adverts:
        reason = "promotional: part of a block labelled as an advertisement, not news"
        yield Candidate(document, unit.start, unit.end, "promotional", reason, 0.9, True)
        return
    action = cues.CALL_TO_ACTION.search(text) or cues.CALL_ANYWHERE.search(text)
    price = cues.PRICE.search(text)
    offers = list(cues.OFFER.finditer(text))
    if not (action or price or len(offers) >= 2):
        return
    edge = _edge(reading, unit)
    score = 1.0 * bool(action) + 0.8 * bool(price) + 0.6 * min(len(offers), 2) + 0.4 * edge
    if score < 1.4 or (score < 1.8 and not edge):
        return
    parts = []
    if action:
        parts.append(f"a call to action ('{action.group().strip()}')")
    if price:
        parts.append(f"a price ('{price.group()}')")
    if offers:
        parts.append(f"sales words ('{offers[0].group()}')")
    where = " at the edge of the article" if edge else ""
    reason = "promotional: " + " and ".join(parts) + where + ", as in an advert, not news"
    yield Candidate(document, unit.start, unit.end, "promotional", reason, min(score / 3, 1), True)


def _quoted_slogan(reading: Reading, start: int, end: int) -> tuple[float, str] | None:
    """Score a quotation as a slogan: short, title-cased or imperative, or called one."""
    inner = reading.text[start + 1 : end - 1].strip(" .,!")
    words = _WORD.findall(inner)
    if not 2 <= len(words) <= 7 or any(mark in inner for mark in ".?;:"):
        return None
    content = [w for w in words if w.casefold() not in _SMALL]
    titled = bool(content) and all(_TITLE_WORD.fullmatch(w) for w in content)
    imperative = words[0].casefold() in _IMPERATIVE
    before = reading.text[max(0, start - 60) : start]
    called = cues.SLOGAN_CUE.search(before) is not None
    repeated = reading.text.casefold().count(inner.casefold()) > 1
    if called:
        return 0.95, "slogan: a short quoted phrase the article calls a slogan or motto"
    if titled and imperative:
        return 0.9, "slogan: a short imperative phrase in capitals, like a campaign motto"
    if titled and repeated:
        return 0.8, "slogan: a short capitalised phrase repeated in the article"
    if imperative and repeated:
        return 0.75, "slogan: a short imperative phrase repeated in the article"
    return None


def _slogans(reading: Reading, unit: Unit, document: int) -> Iterator[Candidate]:
    text = reading.text
    seen: list[tuple[int, int]] = []
    for q_start, q_end in reading.quotes_in(unit.start, unit.end):
        found = _quoted_slogan(reading, q_start, q_end)
        if found:
            score, reason = found
            seen.append((q_start, q_end))
            yield Candidate(document, q_start + 1, q_end - 1, "slogan", reason, score, False)
    piece = text[unit.start : unit.end]
    for match in cues.SLOGAN_FAMILY.finditer(piece):
        start, end = unit.start + match.start(), unit.start + match.end()
        if any(s <= start and end <= e for s, e in seen):
            continue
        reason = f"slogan: '{match.group()}' follows a well-known campaign motto pattern"
        yield Candidate(document, start, end, "slogan", reason, 0.8, False)
    for match in cues.TITLED_NAME.finditer(piece):
        start, end = unit.start + match.start(1), unit.start + match.end(1)
        reason = f"slogan: '{match.group(1)}' is a catchphrase the article presents as a name"
        yield Candidate(document, start, end, "slogan", reason, 0.6, False)
    words = _WORD.findall(piece)
    content = [w for w in words if w.casefold() not in _SMALL]
    if 2 <= len(words) <= 6 and (
        piece.rstrip().endswith("!") or all(_TITLE_WORD.fullmatch(w) for w in content)
    ):
        if not cues.CALL_TO_ACTION.search(piece) and unit.kind == "prose":
            reason = "slogan: a short capitalised or exclaimed phrase standing alone, made to stick"
            yield Candidate(document, unit.start, unit.end, "slogan", reason, 0.7, False)


def _vague_sources(reading: Reading, unit: Unit, document: int) -> Iterator[Candidate]:
    piece = reading.text[unit.start : unit.end]
    for match in cues.VAGUE_SOURCE.finditer(piece):
        start, end = unit.start + match.start(), unit.start + match.end()
        if reading.in_quote(start, end):
            continue
        if cues.VAGUE_SOURCE_NAMED.match(piece[match.end() : match.end() + 30]):
            continue
        reason = f"vague source: '{match.group()}' names no one you could check"
        yield Candidate(document, start, end, "vague-source", reason, 0.85, False)


def _outside_quotes(reading: Reading, unit: Unit) -> str:
    """Return the unit's text with its quotations blanked out (offsets kept)."""
    piece = reading.text[unit.start : unit.end]
    for q_start, q_end in reading.quotes_in(unit.start, unit.end):
        a, b = q_start - unit.start, q_end - unit.start
        piece = piece[:a] + " " * (b - a) + piece[b:]
    return piece


def _speculation(own: str, unit: Unit, document: int) -> Iterator[Candidate]:
    found = [m.group() for m in cues.SPECULATION.finditer(own)]
    if not found:
        return
    # A forecast credited to someone named is reported, not made by the article.
    score = min(0.6 + 0.1 * (len(found) - 1), 0.85) - 0.15 * bool(cues.ATTRIBUTION.search(own))
    reason = f"speculation: '{found[0]}' is a guess about what will happen, not a fact"
    yield Candidate(document, unit.start, unit.end, "speculation", reason, score, True)


def _opinion(own: str, unit: Unit, document: int, emotive: int) -> Iterator[Candidate]:
    if cues.ATTRIBUTION.search(own):
        return
    certainty = cues.CERTAINTY.search(own)
    must = cues.MUST.search(own)
    evaluative = [m.group() for m in cues.EVALUATIVE.finditer(own)]
    score = 0.6 * bool(certainty) + 0.6 * bool(must) + 0.3 * len(evaluative) + 0.1 * emotive
    if score < 0.6:
        return
    if certainty:
        why = f"'{certainty.group()}' states a judgement as certain"
    elif must:
        why = f"'{must.group()}' tells the reader what ought to happen"
    else:
        why = f"judging words ('{', '.join(evaluative[:2])}')"
    reason = f"opinion as fact: {why}, with no one named as holding that view"
    score = min(score, 0.7)
    yield Candidate(document, unit.start, unit.end, "opinion-as-fact", reason, score, True)


def _loaded(reading: Reading, own: str, unit: Unit, document: int) -> tuple[list[Candidate], int]:
    emotive = cues.emotive_words()
    found: list[Candidate] = []
    for match in _WORD.finditer(own):
        word = match.group().casefold().replace("’", "'")
        valence = emotive.get(word)
        listed = word in cues.LOADED_WORDS
        if word in cues.NEUTRAL_IN_NEWS or not (listed or abs(valence or 0) >= 2.4):
            continue
        score = min(max(abs(valence or 0) / 4, 0.8 if listed else 0), 0.85)
        feeling = (
            "stirs strong feeling"
            if valence is None
            else ("is strongly positive" if valence > 0 else "is strongly negative")
        )
        start, end = unit.start + match.start(), unit.start + match.end()
        reason = f"loaded word: '{match.group()}' {feeling}; a plainer word would just describe"
        found.append(Candidate(document, start, end, "loaded-language", reason, score, False))
    return found, len(found)


def _labels(own: str, unit: Unit, document: int) -> Iterator[Candidate]:
    for pattern in (cues.LABEL_PHRASE, cues.LABEL_NOUNS):
        for match in pattern.finditer(own):
            start, end = unit.start + match.start(), unit.start + match.end()
            reason = f"label: '{match.group()}' puts a name on people that judges them"
            yield Candidate(document, start, end, "labelling", reason, 0.8, False)


def _quotes(reading: Reading, paragraph: int, document: int) -> Iterator[Candidate]:
    """Propose the quotations of a paragraph that credits a speaker outside its quotations."""
    start, end = reading.paragraph_spans[paragraph]
    quotes = reading.quotes_in(start, end)
    if not quotes:
        return
    own = reading.text[start:end]
    for q_start, q_end in quotes:
        a, b = q_start - start, q_end - start
        own = own[:a] + " " * (b - a) + own[b:]
    speech = cues.ATTRIBUTION.search(own)
    colon = ":" in own
    if not (speech or colon):
        return
    for q_start, q_end in quotes:
        words = len(_WORD.findall(reading.text[q_start:q_end]))
        if speech is None and words < 4:
            continue
        if cues.SLOGAN_CUE.search(reading.text[max(start, q_start - 40) : q_start]):
            continue
        verb = f"'{speech.group()}'" if speech else "a colon"
        reason = f"attributed quote: the speaker's own words, credited with {verb}"
        score = 0.9 if speech else 0.7
        yield Candidate(document, q_start, q_end, "attributed-quote", reason, score, False)


def _authority(own: str, unit: Unit, document: int) -> Iterator[Candidate]:
    match = cues.AUTHORITY.search(own)
    if match:
        reason = (
            f"appeal to authority: '{match.group()}' asks you to believe because of who says it"
        )
        yield Candidate(document, unit.start, unit.end, "appeal-to-authority", reason, 0.65, True)


def _flag_waving(own: str, unit: Unit, document: int) -> Iterator[Candidate]:
    match = cues.FLAG_WAVING.search(own)
    if match:
        reason = f"flag-waving: '{match.group()}' calls on national pride"
        yield Candidate(document, unit.start, unit.end, "flag-waving", reason, 0.7, True)


def _headline(reading: Reading, unit: Unit, document: int) -> Iterator[Candidate]:
    text = reading.text[unit.start : unit.end]
    signals: list[str] = []
    verb = cues.HEADLINE_VERBS.search(text)
    if verb:
        signals.append(f"'{verb.group()}'")
    emotive = cues.emotive_words()
    for word in _WORD.findall(text):
        if word.casefold() in emotive or word.casefold() in cues.LOADED_WORDS:
            signals.append(f"'{word}'")
            break
    if any(mark in text for mark in '!?“"'):
        signals.append("its punctuation")
    if not signals:
        return
    first = unit.paragraph == 0
    what = "headline" if first else "subheading"
    reason = f"{what} framing: {', '.join(signals[:2])} steers how you read what follows"
    score = min(0.6 + 0.1 * len(signals) + 0.1 * first, 0.95)
    yield Candidate(document, unit.start, unit.end, "headline-framing", reason, score, True)


def find_candidates(reading: Reading, document: int) -> list[Candidate]:
    """Return every single-document candidate of ``reading`` (document index ``document``)."""
    found: list[Candidate] = []
    adverts = advert_paragraphs(reading)
    for paragraph in range(len(reading.paragraph_spans)):
        found.extend(_quotes(reading, paragraph, document))
    for unit in reading.units:
        if unit.kind == "heading":
            found.extend(_headline(reading, unit, document))
            found.extend(_slogans(reading, unit, document))
            continue
        own = _outside_quotes(reading, unit)
        found.extend(_promotional(reading, unit, document, adverts))
        found.extend(_slogans(reading, unit, document))
        found.extend(_vague_sources(reading, unit, document))
        loaded, emotive = _loaded(reading, own, unit, document)
        found.extend(loaded)
        found.extend(_labels(own, unit, document))
        found.extend(_speculation(own, unit, document))
        found.extend(_opinion(own, unit, document, emotive))
        found.extend(_authority(own, unit, document))
        found.extend(_flag_waving(own, unit, document))
    return found
