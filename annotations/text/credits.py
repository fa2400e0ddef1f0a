"""Credit and service lines of a news page: bylines, datelines, stamps, promotions.

A byline, an "Updated 7:32 a.m. ET" stamp, a photo credit, "Story highlights", a newsletter
promotion or a copyright line is part of how a page is made, not of the story it tells. Two
articles from one outlet share them word for word, and two outlets' lines share names
("Channel 9", "AW"), so an aligner that compared them would link the pages' furniture
rather than their facts. ``is_credit_line`` recognises them so that alignment leaves them
out; they stay in the text and on the page.

The lines are recognised by the conventions news pages write them in (a line that starts
with "By" and a name, "Photo:", "©", a department and a name in Japanese), in the languages
Parallax stems, rather than by a boilerplate remover: trafilatura and jusText judge blocks of
HTML by their length and link density, which would also take short headlines and bullets.
"""

from __future__ import annotations

import re

__all__ = ["is_credit_line"]

_MAX_WORDS = 14
"""Credit lines are short; a longer sentence is prose even when it starts like one."""

# "By Ian Cobb, Sports Desk", "Von Petra Lindner", "Column | By Gretchen Hall",
# "Photo by Brookfield Valley Zoo via AW.", "Reviewed by Dr. Lena Ortiz, M.D."
_BYLINE = re.compile(
    r"(?:(?:written|reported|reporting|reviewed|edited|compiled|photos?|video|"
    r"text|illustrations?|ein\s+kommentar|kommentar|eine\s+analyse|ein\s+essay|"
    r"fotos?|texto|crónica|análisis|reportage|testo|tekst)\s+)?"
    r"(?:by|von|por|par|door|di|av|af|przez)\s+[^\W\d_]",
    re.IGNORECASE,
)
# A label line: "Story highlights", "Watch: Trees crash ...", "Read more: ...", "Photos: ..."
_LABEL = re.compile(
    r"\A(?:(?:story\s+)?highlights|key\s+(?:takeaways|points|facts)|at\s+a\s+glance|"
    r"das\s+wichtigste\s+in\s+kürze|en\s+resumen|lo\s+más\s+importante|l'essentiel|"
    r"advertisement|anzeige|werbung|publicidad|publicité|pubblicità)\s*[:.]?\s*\Z"
    r"|\A(?:watch|video|photos?|gallery|listen|podcast|read\s+more|read\s+also|see\s+also|"
    r"related|more|foto|fotos|bild|bilder|image|credit|source|quelle|fuente|"
    r"lesen\s+sie\s+auch|mehr\s+zum\s+thema|lee\s+también|leer\s+más|lire\s+aussi|"
    r"à\s+lire\s+aussi|leggi\s+anche|lees\s+ook|leia\s+também)\s*[:|]",
    re.IGNORECASE,
)
# "Updated 7:32 a.m. ET, Thu January 15, 2026", "Published Feb. 11, 2026", "Actualizado a
# las 23.15": a stamp word and a number.
_STAMP = re.compile(
    r"\A(?:(?:last\s+)?updated|published|posted|first\s+published|aktualisiert|"
    r"veröffentlicht|actualizado|publicado|mis\s+à\s+jour|publié|aggiornato|"
    r"pubblicato|bijgewerkt|gepubliceerd|atualizado)\b[^\n]*\d",
    re.IGNORECASE,
)
_COPYRIGHT_START = re.compile(r"©|\(c\)\s|copyright\b", re.IGNORECASE)
_RESERVED = (
    "all rights reserved",
    "alle rechte vorbehalten",
    "todos los derechos reservados",
    "tous droits réservés",
    "tutti i diritti riservati",
    "alle rechten voorbehouden",
)
# "Sign up for our Weather Alert newsletter.", "Download the WCTN app for traffic alerts.",
# "Suscríbete a nuestro boletín diario.", "Business Today subscribers get unlimited access".
_PROMOTION = re.compile(
    r"(?:sign\s+up|subscribe|download\s+(?:the|our)|follow\s+us|get\s+(?:our|the\s+latest)|"
    r"catch\s+up\s+on|suscr[íi]bete|abonnieren\s+sie|abonnez-vous|iscriviti|"
    r"melden\s+sie\s+sich)\b",
    re.IGNORECASE,
)
_MIN_READ = re.compile(r"\b\d+\s+min(?:ute)?\s+read\b")
# A note about the article itself: "This article contains details of court testimony."
_NOTE = re.compile(
    r"\A(?:this\s+(?:article|story|report)\s+(?:is|was|has\s+been|contains|includes)|"
    r"dieser\s+(?:artikel|beitrag)\s+(?:ist|wurde|enthält)|"
    r"este\s+art[íi]culo\s+(?:es|fue|ha\s+sido|contiene))\b",
    re.IGNORECASE,
)
# An author's note: "Gretchen Hall is a columnist for the Harlan Courier."
_AUTHOR_NOTE = re.compile(
    r"\b(?:is|are)\s+an?\s+(?:(?:senior|staff|guest|contributing|regular)\s+)?"
    r"(?:columnist|contributor|correspondent|reporter|writer|editor)\s+(?:for|at|with)\b"
    r"|\A[A-Z][\w'-]+(?:\s+[A-Z][\w'.-]+){1,3}\s+writes\s+(?:about|on)\b.*\bfor\s+the\b"
)
# A dateline on its own line: "HARTWELL, Conn.", "NASHVILLE, Tenn. (AW)", "BERLIN (dpa)".
_DATELINE = re.compile(
    r"\A[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'.-]+(?:\s[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'.-]+){0,2}"
    r"(?:,\s*[A-Z][A-Za-z.]{1,12}(?:\s*\([^()]{1,20}\))?|\s*\([^()]{1,20}\))\s*[-—–:]?\s*\Z"
)
# Japanese and Chinese bylines: a desk or bureau and a name ("経済部 佐藤健", "北陽支局"),
# "（共同）", "本报记者 王伟".
_CJK_BYLINE = re.compile(
    r"\A[\u3400-\u9fff\u30a0-\u30ff]{1,8}(?:部|支局|総局|局|記者|编辑部)"
    r"(?:[\s\u3000]+[\u3400-\u9fff\u3040-\u30ff]{1,8})?\s*\Z"
    r"|\A[（(][\u3400-\u9fff\u30a0-\u30ff]{1,8}[）)]\s*\Z|\A(?:本报)?记者[\s\u3000]"
)
_WORD = re.compile(r"\S+")


def is_credit_line(text: str) -> bool:
    """Return whether ``text`` (one sentence or line) is a credit or service line.

    >>> [is_credit_line(t) for t in ("By Ian Cobb, Sports Desk", "By Friday, it was out.")]
    [True, False]
    >>> is_credit_line("Sign up for our Weather Alert newsletter.")
    True
    >>> is_credit_line("Firefighters were called at about 2 a.m.")
    False
    """
    line = text.strip()
    if not line or len(line.split()) > _MAX_WORDS:
        return False
    # Patterns that may match anywhere run only after a plain substring check: unanchored
    # case-blind alternations cost tens of microseconds a sentence.
    parts = [line] + [part.strip() for part in line.split("|")[1:]] if "|" in line else [line]
    if any(_BYLINE.match(part) for part in parts) and not _ends_sentence(line):
        return True
    if any(
        pattern.match(line)
        for pattern in (_LABEL, _STAMP, _COPYRIGHT_START, _PROMOTION, _NOTE, _DATELINE, _CJK_BYLINE)
    ):
        return True
    lowered = line.casefold()
    if any(phrase in lowered for phrase in _RESERVED) or "subscribers get" in lowered:
        return True
    if "newsletter" in lowered and any(w in lowered for w in ("our ", "sign up", "free ")):
        return True
    if "min read" in lowered and _MIN_READ.search(lowered):
        return True
    return ("writes " in lowered or " is a" in lowered) and _AUTHOR_NOTE.search(line) is not None


_ABBREVIATION_END = re.compile(r"(?:\b[A-Z]{1,4}\.|\b(?:[A-Za-z]\.){2,})\Z")


def _ends_sentence(line: str) -> bool:
    """Return whether a line ends as a sentence does, not on an abbreviation ("via AW.")."""
    if not line.endswith((".", "!", "?", "。", "！", "？")):
        return False
    return _ABBREVIATION_END.search(line) is None
