"""Selective emphasis or omission: facts one article reports and the other does not.

The alignment lists the sentences only one article has. In each of them this detector looks
for facts a student can check against the other article: numbers (amounts, shares, dates)
and names (runs of capitalised words not opening the sentence). A sentence is proposed when
at least one number or two names of it appear nowhere in the other article; the reason
names them, so the student can look for them on the other side.
"""

from __future__ import annotations

import re

from annotations.framing.suggesting.devices import Candidate
from annotations.framing.suggesting.reading import Reading
from annotations.records import Alignment
from annotations.records import Span

__all__ = ["facts_missing", "find_omissions"]

_NUMBER = re.compile(r"[$€£¥]?\d(?:[\d,.]*\d)?(?:\s?(?:%|percent|per cent|billion|million|bn))?")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w’'-]+(?:\s(?:of\s|and\s|the\s)?[A-Z][\w’'-]+)*")
_YEAR = re.compile(r"(?:19|20)\d\d")
_STOP_NAMES = frozenset(
    "The A An And But In On At For Of To It He She They We I His Her Their This That These "
    "Those Yet So As If When While After Before Mr Mrs Ms Dr Monday Tuesday Wednesday Thursday "
    "Friday Saturday Sunday January February March April May June July August September "
    "October November December".split()
)


def facts_missing(sentence: str, other: str) -> tuple[list[str], list[str]]:
    """Return the numbers and names of ``sentence`` that ``other`` (casefolded) lacks.

    >>> facts_missing("Sales rose 12% at Acme Corp, said Jo Lee.", "acme sales rose")
    (['12%'], ['Jo Lee'])
    """
    numbers = []
    for match in _NUMBER.finditer(sentence):
        digits = re.sub(r"\D", "", match.group())
        if len(digits) >= 1 and re.sub(r"[,.]", "", match.group()).strip("$€£¥") not in other:
            core = re.search(r"\d[\d,.]*\d|\d", match.group())
            if core and core.group() not in other:
                numbers.append(match.group().strip())
    names = []
    for match in _NAME.finditer(sentence.strip()):
        name = match.group()
        words = [w for w in name.split() if w not in _STOP_NAMES]
        if not words:
            continue
        name = " ".join(words)
        longest = max(words, key=len).casefold()
        if name.casefold() not in other and longest not in other:
            names.append(name)
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
    other_text = other.text.casefold()
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
        numbers, names = facts_missing(reading.text[unit.start : unit.end], other_text)
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
