"""The content terms of a sentence, per language: what alignment compares and cites as evidence.

A term is a stemmed content word (function words dropped), a number in one written form
("1,200", "1.200" in German and "twelve hundred" aside, "4.5" and German "4,5" are the same
term), an initialism ("U.S." is ``us.``), or, in Japanese and Chinese, which put no spaces
between words, a bigram of adjacent characters (a documented, dictionary-free choice: a
two-character window catches most words of both languages, and frequent bigrams are weighed
down like frequent words). Each term carries its rarity in the language (0 for the most
frequent words, 1 for rare words and names).

For two articles in different languages only language-neutral terms are compared: numbers,
names (capitalised words, unstemmed), initialisms and Han-character bigrams.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from itertools import chain

from annotations.text.languages import DECIMAL_COMMA
from annotations.text.languages import UNSPACED
from annotations.text.languages import LanguageTools
from annotations.text.languages import language_tools

__all__ = [
    "SMALL_NUMBER",
    "Term",
    "content_terms",
    "is_number_term",
    "name_phrases",
    "number_term",
    "surface_forms",
    "uses_bigrams",
]

_WORD = re.compile(r"(?:[A-Za-z]\.){2,}|\d+(?:[.,]\d+)*|[^\W\d_]+", re.UNICODE)
_NUMBER_WORDS = {
    "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "twenty": "20", "thirty": "30", "fifty": "50", "hundred": "100", "thousand": "1000",
}  # fmt: skip
_THOUSANDS_DOT = re.compile(r"\d{1,3}(?:\.\d{3})+")
_THOUSANDS_COMMA = re.compile(r"\d{1,3}(?:,\d{3})+")
_CHUNK_CACHE_SIZE = 131072
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HIRAGANA_PAIR = re.compile(r"[\u3040-\u309f]{2}")
_CJK = re.compile(
    r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]+"
)
_HAN_PAIR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2}")

Term = tuple[str, float]

SMALL_NUMBER = 12
"""Whole numbers up to this one ("2", "three") are common words, not facts: "2 a.m.",
"a 2-1 win", "two weeks" and "three cubs" recur in stories about different events."""
_SMALL_NUMBER_RARITY = 0.4
_CLOCK = frozenset({"am.", "pm."})  # "a.m." and "p.m." mark a time; they are no fact


def _number_entry(term: str) -> Term:
    """Return a number's term and rarity: a small whole number is a word like any other."""
    if term.isdigit() and int(term) <= SMALL_NUMBER:
        return "#" + term, _SMALL_NUMBER_RARITY
    return term, 1.0


def number_term(word: str, language: str) -> str:
    """Return a number in one written form: digits, and a point before any decimals.

    >>> number_term("1,200", "en"), number_term("1.200", "de"), number_term("4,5", "de")
    ('1200', '1200', '4.5')
    """
    if language in DECIMAL_COMMA:
        if _THOUSANDS_DOT.fullmatch(word):
            return word.replace(".", "")
        return word.replace(".", "").replace(",", ".")
    if _THOUSANDS_COMMA.fullmatch(word):
        return word.replace(",", "")
    return word.replace(",", "")


def _bigrams(run: str, *, han_only: bool, language: str) -> list[str]:
    if len(run) == 1:
        return [run] if not _KANA.match(run) else []
    pairs = [run[i : i + 2] for i in range(len(run) - 1)]
    if han_only:
        return [p for p in pairs if _HAN_PAIR.fullmatch(p)]
    if language == "ja":
        # Pairs of hiragana are mostly particles and inflections.
        return [p for p in pairs if not _HIRAGANA_PAIR.fullmatch(p)]
    return pairs


class _ChunkTerms(dict[str, tuple[Term, ...]]):
    """The terms of whitespace-free chunks of text in one language and mode, cached.

    No word pattern matches whitespace, so the words of a text are those of its chunks.
    Chunks repeat ("Trump," "said"), and a hit is a plain dict lookup: this skips most of
    the pattern matching. The cache is emptied when full.
    """

    def __init__(self, tools: LanguageTools, cross_language: bool) -> None:
        super().__init__()
        self.tools = tools
        self.cross_language = cross_language
        # Words repeat far more than chunks do, and stemming is the costly step.
        self.words: dict[str, Term | None] = {}

    def __missing__(self, chunk: str) -> tuple[Term, ...]:
        if len(self) >= _CHUNK_CACHE_SIZE:
            self.clear()
        found: list[Term] = []
        cjk = not chunk.isascii() and _CJK.search(chunk) is not None
        matches = list(_WORD.finditer(chunk))
        for index, match in enumerate(matches):
            word = match.group()
            if cjk and _CJK.search(word):
                found.extend(self.cjk_terms(word))
                continue
            term = self.word_term(word)
            if term is not None and term[0][0] == "#" and chunk[match.end() :][:1] in ("%", "％"):
                term = (term[0][1:], 1.0)  # "2%" is a figure, not a common word
            if term is not None and cjk and word[0].isdigit() and not self.cross_language:
                after = chunk[match.end() : match.end() + 1]
                if index + 1 < len(matches) and _CJK.match(after):
                    # A number keeps its counter: "25日" is a date, "25分" a duration.
                    term = (number_term(word, self.tools.code) + after, 1.0)
            if term is not None:
                found.append(term)
        terms = tuple(found)
        self[chunk] = terms
        return terms

    def cjk_terms(self, word: str) -> list[Term]:
        """Return the terms of a word holding Japanese or Chinese characters."""
        found: list[Term] = []
        cursor = 0
        for match in _CJK.finditer(word):
            for other in _WORD.findall(word[cursor : match.start()]):
                term = self.word_term(other)
                if term is not None:
                    found.append(term)
            grams = _bigrams(match.group(), han_only=self.cross_language, language=self.tools.code)
            found.extend((gram, self.tools.rarity(gram)) for gram in grams)
            cursor = match.end()
        for other in _WORD.findall(word[cursor:]):
            term = self.word_term(other)
            if term is not None:
                found.append(term)
        return found

    def word_term(self, word: str) -> Term | None:
        """Return a word's term and rarity, or None for a function word (cached)."""
        try:
            return self.words[word]
        except KeyError:
            pass
        if len(self.words) >= _CHUNK_CACHE_SIZE:
            self.words.clear()
        term = self.words[word] = self._word_term(word)
        return term

    def _word_term(self, word: str) -> Term | None:
        tools = self.tools
        if word[0].isdigit():
            return _number_entry(number_term(word, tools.code))
        lowered = word.lower()
        if "." in word:  # an initialism such as U.S.
            initialism = lowered.replace(".", "") + "."
            return None if initialism in _CLOCK else (initialism, 1.0)
        if len(word) == 1 or lowered in tools.stopwords:
            return None
        if self.cross_language:
            # Only names carry across languages; a number word is a word here.
            if not word[0].isupper():
                return None
            return lowered, tools.rarity(lowered)
        if lowered in _NUMBER_WORDS and word[0].islower() and tools.code == "en":
            return _number_entry(_NUMBER_WORDS[lowered])
        return tools.stem(lowered), tools.rarity(lowered)


_CACHES: dict[tuple[str, bool], _ChunkTerms] = {}


def _chunk_terms(language: str, cross_language: bool) -> _ChunkTerms:
    key = (language, cross_language)
    cache = _CACHES.get(key)
    if cache is None:
        cache = _CACHES[key] = _ChunkTerms(language_tools(language), cross_language)
    return cache


def content_terms(
    text: str, language: str = "en", *, cross_language: bool = False
) -> dict[str, float]:
    """Return the content terms of ``text`` and their rarity (a repeated term its lowest).

    A number word counts as a number only in lower case, or as the first word: "Page Six"
    is a name, "six pages" and "Six pages" hold the number 6. Whole numbers up to
    ``SMALL_NUMBER`` are written ``#6``: common words, weighed as such, not number facts.

    >>> sorted(content_terms("Trump congratulated her on the U.S. deal."))
    ['congratul', 'deal', 'trump', 'us.']
    >>> sorted(content_terms("Page Six saw six pages."))
    ['#6', 'page', 'saw', 'six']
    """
    cache = _chunk_terms(language, cross_language)
    chunks = text.split()
    words = list(chain.from_iterable(map(cache.__getitem__, chunks)))
    if chunks and not cross_language and language == "en":
        first = _WORD.match(chunks[0])
        if first and first.group().lower() in _NUMBER_WORDS and first.group()[0].isupper():
            words.append(_number_entry(_NUMBER_WORDS[first.group().lower()]))
    terms = dict(words)
    if len(terms) < len(words):
        for term, rarity in words:
            terms[term] = min(terms[term], rarity)
    return terms


def is_number_term(term: str) -> bool:
    """Return whether a term is a number."""
    return term[:1].isdigit()


def uses_bigrams(language: str) -> bool:
    """Return whether a language is tokenised as character bigrams (no spaces between words)."""
    return language in UNSPACED


def surface_forms(
    text: str, language: str = "en", *, cross_language: bool = False
) -> dict[str, str]:
    """Return each content term of ``text`` with the first word that gave it.

    >>> surface_forms("Ministers met; the minister left.")
    {'minist': 'Ministers', 'met': 'met', 'left': 'left'}
    """
    cache = _chunk_terms(language, cross_language)
    forms: dict[str, str] = {}
    cjk = not text.isascii() and _CJK.search(text) is not None
    word_term, keep = cache.word_term, forms.setdefault
    for word in _WORD.findall(text):
        if cjk and _CJK.search(word):
            for term, _ in cache.cjk_terms(word):
                keep(term, term)
            continue
        found = word_term(word)
        if found is not None:
            keep(found[0], word)
    first = _WORD.match(text.lstrip())
    if first and language == "en" and not cross_language:
        lowered = first.group().lower()
        if lowered in _NUMBER_WORDS:
            forms.setdefault(_number_entry(_NUMBER_WORDS[lowered])[0], first.group())
    return forms


_PHRASE_GAP = re.compile(r"[ \t\u00a0-]")


def name_phrases(
    text: str, terms: Collection[str], language: str = "en", *, cross_language: bool = False
) -> list[tuple[str, tuple[str, ...]]]:
    """Return runs of two or more capitalised words whose terms are all in ``terms``.

    Each run comes as written, with its terms: a name such as "Air Force One" is cited as
    one item of evidence rather than three words.

    >>> name_phrases("Aboard Air Force One, Trump spoke.", {"air", "forc", "one", "trump"})
    [('Air Force One', ('air', 'forc', 'one'))]
    """
    cache = _chunk_terms(language, cross_language)
    found: list[tuple[str, tuple[str, ...]]] = []
    run: list[tuple[int, int, str]] = []

    def close() -> None:
        if len(run) >= 2:
            found.append((text[run[0][0] : run[-1][1]], tuple(term for _, _, term in run)))
        run.clear()

    cjk = not text.isascii() and _CJK.search(text) is not None
    word_term = cache.word_term
    for match in _WORD.finditer(text):
        word = match.group()
        # Most words are not capitalised: they end a run without being looked up.
        info = None if not word[0].isupper() or cjk and _CJK.search(word) else word_term(word)
        if info is None or info[0] not in terms:
            if run:
                close()
            continue
        if run and not _PHRASE_GAP.fullmatch(text[run[-1][1] : match.start()]):
            close()
        run.append((match.start(), match.end(), info[0]))
    close()
    return found
