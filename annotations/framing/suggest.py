"""Suggest framing spans for a person to accept or reject.

:func:`suggest` reads one or more documents (and, for two, their alignment) and returns
:class:`~annotations.records.Suggestion` records: a span, the tag it would get, a reason a
student can read and a score. It is deterministic, works offline and knows no framework.

Each built-in detector (``annotations.framing.suggesting.devices`` and ``.omission``) finds
one *device*; :data:`DEVICES` says which tag of the Media literacy set it proposes, its
counterpart among the SemEval-2023 persuasion techniques (``None`` where there is none),
and the names it answers to in any other tag set:

====================  ======================  ==================================
device                Media literacy tag      SemEval-2023 counterpart
====================  ======================  ==================================
promotional           promotional             (none)
slogan                slogan                  slogans
vague-source          vague-source            obfuscation-or-vagueness
speculation           speculation             (none)
opinion-as-fact       opinion-as-fact         (none)
loaded-language       loaded-language         loaded-language
labelling             labelling               name-calling-or-labeling
attributed-quote      attributed-quote        (none)
appeal-to-authority   appeal-to-authority     appeal-to-authority
flag-waving           flag-waving             flag-waving
headline-framing      headline-framing        (none)
selective-emphasis    selective-emphasis      (none)
====================  ======================  ==================================

For any other tag set a device maps to the tag whose key or name (lower-cased, runs of
other characters read as one hyphen) is one of the device's aliases; devices that map to no
tag are left out, so the Policy frames set, which names topics rather than devices, gets no
suggestions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from annotations.framing.suggesting.devices import Candidate
from annotations.framing.suggesting.devices import find_candidates
from annotations.framing.suggesting.omission import find_omissions
from annotations.framing.suggesting.reading import read
from annotations.framing.suggesting.selection import select
from annotations.framing.taxonomy import TagSet
from annotations.records import Alignment
from annotations.records import Document
from annotations.records import Suggestion
from annotations.text.align import align_documents

__all__ = ["DEVICES", "Device", "device_tags", "suggest"]


@dataclass(frozen=True, slots=True)
class Device:
    """A framing device a detector finds, and the tags it answers to."""

    key: str
    media_literacy: str
    semeval: str | None
    aliases: tuple[str, ...]


DEVICES: tuple[Device, ...] = (
    Device(
        "promotional",
        "promotional",
        None,
        ("promotional", "promotion", "advertising", "advert", "promotional-or-advertising-content"),
    ),
    Device(
        "slogan", "slogan", "slogans", ("slogan", "slogans", "catchphrase", "slogan-or-catchphrase")
    ),
    Device(
        "vague-source",
        "vague-source",
        "obfuscation-or-vagueness",
        ("vague-source", "unattributed-source", "unattributed-or-vague-source", "anonymous-source"),
    ),
    Device(
        "speculation",
        "speculation",
        None,
        ("speculation", "prediction", "speculation-or-prediction"),
    ),
    Device(
        "opinion-as-fact",
        "opinion-as-fact",
        None,
        ("opinion-as-fact", "opinion-presented-as-fact", "opinion"),
    ),
    Device(
        "loaded-language",
        "loaded-language",
        "loaded-language",
        ("loaded-language", "loaded-or-emotive-language", "emotive-language", "loaded-words"),
    ),
    Device(
        "labelling",
        "labelling",
        "name-calling-or-labeling",
        (
            "labelling",
            "labeling",
            "name-calling",
            "labelling-or-name-calling",
            "name-calling-or-labeling",
            "name-calling-or-labelling",
        ),
    ),
    Device(
        "attributed-quote",
        "attributed-quote",
        None,
        ("attributed-quote", "quote", "quotation", "direct-quote"),
    ),
    Device(
        "appeal-to-authority",
        "appeal-to-authority",
        "appeal-to-authority",
        ("appeal-to-authority",),
    ),
    Device(
        "flag-waving",
        "flag-waving",
        "flag-waving",
        ("flag-waving", "flag-waving-or-national-pride", "national-pride", "patriotism"),
    ),
    Device(
        "headline-framing",
        "headline-framing",
        None,
        ("headline-framing", "headline", "headline-or-subheading-framing"),
    ),
    Device(
        "selective-emphasis",
        "selective-emphasis",
        None,
        ("selective-emphasis", "omission", "selective-emphasis-or-omission"),
    ),
)

_NOT_KEY = re.compile(r"[^a-z0-9]+")


def _normal(value: str) -> str:
    return _NOT_KEY.sub("-", value.casefold()).strip("-")


def device_tags(tag_set: TagSet) -> dict[str, str]:
    """Return ``{device key: tag key}`` for the devices that map to a tag of ``tag_set``.

    >>> from annotations.framing.taxonomy import PERSUASION_TECHNIQUES
    >>> device_tags(PERSUASION_TECHNIQUES)["labelling"]
    'name-calling-or-labeling'
    """
    by_form: dict[str, str] = {}
    for tag in tag_set.tags:
        by_form.setdefault(_normal(tag.name), tag.key)
    for tag in tag_set.tags:
        by_form[tag.key] = tag.key
    found: dict[str, str] = {}
    for device in DEVICES:
        for alias in (device.media_literacy, device.semeval or "", *device.aliases):
            if alias and alias in by_form:
                found[device.key] = by_form[alias]
                break
    return found


def suggest(
    documents: Sequence[Document],
    tag_set: TagSet,
    *,
    alignment: Alignment | None = None,
) -> list[Suggestion]:
    """Return framing suggestions for ``documents``, sorted by document, then start.

    ``alignment`` is that of ``documents[0]`` (A) and ``documents[1]`` (B); when two
    documents come without one, they are aligned here. Selective emphasis needs two
    documents; every other device reads each document alone. Spans never cross a paragraph;
    a span may carry several tags, one suggestion each.

    >>> from annotations.framing.taxonomy import MEDIA_LITERACY
    >>> from annotations.text.ingest import ingest_text
    >>> doc = ingest_text("The council met on Monday to discuss the new bus routes and the "
    ...                   "budget for next year.\\n\\nSubscribe now for just $1 a week.")
    >>> [(s.tag, s.quote) for s in suggest([doc], MEDIA_LITERACY)]
    [('promotional', 'Subscribe now for just $1 a week.')]
    """
    tags = device_tags(tag_set)
    if not tags:
        return []
    readings = [read(document) for document in documents]
    found: list[Candidate] = []
    for index, reading in enumerate(readings):
        found.extend(find_candidates(reading, index))
    if len(documents) == 2 and "selective-emphasis" in tags:
        if alignment is None:
            alignment = align_documents(documents[0], documents[1])
        found.extend(find_omissions(readings[0], readings[1], alignment))
    kept = select([c for c in found if c.device in tags], readings)
    suggestions = [
        Suggestion(
            document=c.document,
            start=c.start,
            end=c.end,
            quote=documents[c.document].text[c.start : c.end],
            tag=tags[c.device],
            reason=c.reason,
            score=round(c.score, 3),
            source=f"rule:{c.device}",
        )
        for c in kept
    ]
    suggestions.sort(key=lambda s: (s.document, s.start, s.end, s.tag))
    return suggestions
