"""Selective emphasis or omission: facts one article reports and the other does not.

The alignment lists the sentences only one article has. In each of them this detector looks
for facts a student can check against the other article: numbers (amounts, shares, dates)
and names (runs of capitalised words not opening the sentence). A sentence is proposed when
at least one number or two names of it appear nowhere in the other article; the reason
names them, so the student can look for them on the other side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from annotations.framing.suggesting.devices import Candidate
from annotations.framing.suggesting.reading import Reading
from annotations.records import Alignment
from annotations.records import Span

__all__ = ["Known", "facts_missing", "find_omissions", "known_terms"]

_NUMBER = re.compile(r"[$€£¥]?\d(?:[\d,.]*\d)?(?:\s?(?:%|percent|per cent|billion|million|bn))?")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w’'-]+(?:\s(?:of\s|and\s|the\s)?[A-Z][\w’'-]+)*")
_DIGITS = re.compile(r"\d(?:[\d,.]*\d)?")
_TOKEN = re.compile(r"[\w’'-]+")
_POSSESSIVE = re.compile(r"[’']s?$")
_POSSESSIVES = re.compile(r"[’'](?:s\b|(?=\s|$))")
_YEAR = re.compile(r"(?:19|20)\d\d")
_STOP_NAMES = frozenset(
    "The A An And But In On At For Of To It He She They We I His Her Their This That These "
    "Those Yet So As If When While After Before Mr Mrs Ms Dr Monday Tuesday Wednesday Thursday "
    "Friday Saturday Sunday January February March April May June July August September "
    "October November December".split()
)


@dataclass(frozen=True, slots=True)
class Known:
    """The words (casefolded, without a possessive) and numbers (digits) of a text."""

    words: frozenset[str]
    numbers: frozenset[str]


def _word_key(word: str) -> str:
    return _POSSESSIVE.sub("", word.casefold())


def _number_key(number: str) -> str:
    return number.replace(",", "")


def known_terms(text: str) -> Known:
    """Return what a text mentions, for :func:`facts_missing` to look up."""
    words = set(_TOKEN.findall(_POSSESSIVES.sub("", text.casefold())))
    words.update(part for word in list(words) for part in word.split("-"))
    numbers = {_number_key(n) for n in _DIGITS.findall(text)}
    return Known(frozenset(words), frozenset(numbers))


def facts_missing(sentence: str, other: Known) -> tuple[list[str], list[str]]:
    """Return the numbers and names of ``sentence`` that the other text does not mention.

    A number is mentioned when its digits are; a name when its longest word is.

    >>> facts_missing("Sales rose 12% at Acme Corp, said Jo Lee.", known_terms("Acme sales rose"))
    (['12%'], ['Jo Lee'])
    """
    numbers = []
    for match in _NUMBER.finditer(sentence):
        core = _DIGITS.search(match.group())
        if core and _number_key(core.group()) not in other.numbers:
            numbers.append(match.group().strip())
    names = []
    for match in _NAME.finditer(sentence.strip()):
        words = [w for w in match.group().split() if w not in _STOP_NAMES]
        if words and _word_key(max(words, key=len)) not in other.words:
            names.append(" ".join(words))
    return numbers, names


def _weight(numbers: list[str], names: list[str]) -> float:
    """Weigh missing facts: an amount or count 2, a name 1, a bare year 0.5 (background)."""
    years = sum(1 for n in numbers if _YEAR.fullmatch(n))
    return 2 * (len(numbers) - years) + 0.5 * years + len(names)


def _boilerplate(reading: Reading, paragraph: int) -> bool:
    """Return whether a paragraph is a press release's "About <name>" footer."""
    start, end = reading.paragraph_spans[paragraph]
    first_line = reading.text[start:end].split("\n", 1)[0]
    return first_line.startswith("About ") and len(first_line.split()) <= 5


def _side(
    reading: Reading, other: Reading, only: tuple[Span, ...], document: int, label: str
) -> list[Candidate]:
    found: list[Candidate] = []
    known = known_terms(other.text)
    other_label = "B" if label == "A" else "A"
    spans = sorted((span.start, span.end) for span in only)
    units = [unit for unit in reading.units if unit.kind == "prose"]
    index = 0
    for unit in units:
        while index < len(spans) and spans[index][1] <= unit.start:
            index += 1
        alone = index < len(spans) and spans[index][0] < unit.end
        if _boilerplate(reading, unit.paragraph):
            continue
        numbers, names = facts_missing(reading.text[unit.start : unit.end], known)
        weight = _weight(numbers, names)
        # A sentence the other article matches needs a missing amount to count.
        if weight < 2 or (not alone and weight - len(names) < 2):
            continue
        shown = [f"'{fact}'" for fact in (numbers + names)[:3]]
        reason = (
            f"only in {label}: {', '.join(shown)}; {other_label} does not report this, "
            "so compare what each article chose to tell"
        )
        score = min(0.5 + 0.05 * weight + 0.05 * alone, 0.75)
        found.append(
            Candidate(document, unit.start, unit.end, "selective-emphasis", reason, score, True)
        )
    return found


def find_omissions(a: Reading, b: Reading, alignment: Alignment) -> list[Candidate]:
    """Return selective-emphasis candidates for both documents of an aligned pair."""
    return _side(a, b, alignment.only_a, 0, "A") + _side(b, a, alignment.only_b, 1, "B")
