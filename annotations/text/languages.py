"""Which language an article is in, and what Parallax knows of each language.

Detection is by script first (kana means Japanese, Han without kana Chinese, Hangul Korean,
and so on), then, for texts in Latin script, by counting each language's most frequent
function words. Written here rather than taken from a package: py3langid, the maintained
model-based choice, takes 2.3 s to load its model on this machine (the whole ``parallax
align`` command has 1 s), and lingua ships hundreds of megabytes of models; function words
decide between the languages Parallax stems in well under a millisecond, with no model.

>>> detect_language("Der Bundestag hat am Freitag den Haushalt für das Jahr beschlossen.")
'de'
>>> detect_language("高市早苗首相は25日、トランプ米大統領と電話で会談した。")
'ja'
"""

from __future__ import annotations

import gzip
import importlib.util
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import msgpack
import snowballstemmer

__all__ = [
    "DECIMAL_COMMA",
    "DEFAULT_LANGUAGE",
    "UNSPACED",
    "LanguageTools",
    "cross_language_notice",
    "detect_language",
    "language_tools",
    "word_frequencies",
]

DEFAULT_LANGUAGE = "en"
"""The language assumed when a text gives no sign of any (no letters, or no function word)."""

# The most frequent function words of each language that Parallax stems, from which a text's
# language is guessed; words shared by several of these languages count for each.
_PROFILES: dict[str, frozenset[str]] = {
    language: frozenset(words.split())
    for language, words in {
        "en": "the and of to in is that was for on with as by at from his her are were has "
        "have this which it be an not they said their who will would",
        "de": "der die und das ist nicht den von mit sich des auf für im dem eine ein zu "
        "auch als wird bei sie er wurde sind noch nach aus hat dass über",
        "fr": "le la les et des est une un du que dans pour qui sur par au pas plus avec "
        "sont ont été ce cette aux elle il ne se son leur",
        "es": "el la los las del que y en un una por con para es se al su lo como más pero "
        "sus fue ha muy sobre también este esta",
        "it": "il la di che e è un una per con non del della dei gli le sono si nel alla "
        "anche come ha più al da questo ma",
        "pt": "o a os as de do da dos das que e em um uma para com não no na se por mais "
        "foi ao é como mas seu sua também",
        "nl": "de het een en van in is dat op te zijn met voor niet aan er die maar ook als "
        "bij door naar werd heeft worden wordt",
        "sv": "och att det som en på är av för med till den har inte om ett var de jag "
        "från men vid sig efter",
        "da": "og at det som en på er af for med til den har ikke om et var de jeg fra men "
        "ved sig efter blev",
        "nb": "og at det som en på er av for med til den har ikke om et var de jeg fra men "
        "ved seg etter ble",
        "fi": "ja on ei että se oli hän ovat mutta kun myös tai joka ole sen niin ovat vuonna jo",
        "pl": "i w nie na się z do że to jest o jak po ale od za przez jego tak być był jej są",
        "ro": "și în de la a cu pe nu că o un este din care pentru au mai fost sunt se",
        "tr": "ve bir bu da de ile için olarak çok daha en gibi ama olan sonra kadar ise",
        "id": "dan yang di ini itu dengan untuk dari dalam tidak akan pada juga ke karena oleh ada",
        "ca": "el la els les i de del que en un una per amb no és es va als al seva",
    }.items()
}
_SNOWBALL: dict[str, str] = {
    "ar": "arabic", "ca": "catalan", "da": "danish", "de": "german", "el": "greek",
    "en": "english", "es": "spanish", "fi": "finnish", "fr": "french", "hu": "hungarian",
    "id": "indonesian", "it": "italian", "lt": "lithuanian", "nb": "norwegian",
    "nl": "dutch", "pt": "portuguese", "ro": "romanian", "ru": "russian", "sv": "swedish",
    "tr": "turkish",
}  # fmt: skip
# Languages written without spaces between words: tokenised as character bigrams.
UNSPACED = frozenset({"ja", "zh"})
# Languages that write 4,5 for four and a half and 1.200 for twelve hundred.
DECIMAL_COMMA = frozenset(
    {"de", "fr", "es", "it", "pt", "nl", "sv", "da", "nb", "fi", "pl", "ro", "tr", "id", "ca"}
)
_LATIN_WORD = re.compile(r"[^\W\d_]+")
_SAMPLE = 8000
_MIN_STOPWORD_ZIPF = 5.9

# Letters of each script but Latin; a text's script is the one most of its letters are in.
_SCRIPTS: dict[str, re.Pattern[str]] = {
    name: re.compile(f"[{chars}]")
    for name, chars in {
        "kana": "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f",
        "han": "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff",
        "ko": "\uac00-\ud7af\u1100-\u11ff",
        "cyrillic": "\u0400-\u04ff",
        "el": "\u0370-\u03ff",
        "arabic": "\u0600-\u06ff",
        "he": "\u0590-\u05ff",
        "hi": "\u0900-\u097f",
        "th": "\u0e00-\u0e7f",
    }.items()
}
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


@lru_cache(maxsize=64)
def detect_language(text: str) -> str:
    """Return the ISO 639-1 code of the language ``text`` is mostly written in.

    Texts in Latin script with no function word of a known language get
    :data:`DEFAULT_LANGUAGE`. Results are cached: one article is asked about several times.
    """
    sample = text[:_SAMPLE]
    scripts = Counter({name: len(pattern.findall(sample)) for name, pattern in _SCRIPTS.items()})
    scripts["latin"] = len(_LATIN.findall(sample))
    script, count = scripts.most_common(1)[0]
    if count == 0:
        return DEFAULT_LANGUAGE
    if script in ("kana", "han"):
        # Japanese mixes kana with Han; a Chinese text has next to no kana.
        return "ja" if scripts["kana"] >= 0.1 * (scripts["kana"] + scripts["han"]) else "zh"
    if script == "cyrillic":
        return "uk" if re.search("[іїєґ]", sample) else "ru"
    if script == "arabic":
        return "fa" if re.search("[پچژگ]", sample) else "ar"
    if script != "latin":
        return script
    words = Counter(w.lower() for w in _LATIN_WORD.findall(sample))
    scores = {language: sum(words[w] for w in profile) for language, profile in _PROFILES.items()}
    best = max(scores, key=lambda language: scores[language])
    return best if scores[best] > 0 else DEFAULT_LANGUAGE


@dataclass(frozen=True, slots=True)
class LanguageTools:
    """How one language's words become terms: stemmer, function words, frequencies."""

    code: str
    stemmer: snowballstemmer.Stemmer | None
    stopwords: frozenset[str]
    frequencies: dict[str, float]

    def stem(self, word: str) -> str:
        """Return the stem of a lower-cased word (the word itself without a stemmer)."""
        return str(self.stemmer.stemWord(word)) if self.stemmer is not None else word

    def rarity(self, word: str) -> float:
        """Return 0 for the language's most frequent words up to 1 for rare ones and names.

        Languages wordfreq does not cover count every word as rare: the weighting by how
        few sentences of the two articles hold a word still applies.
        """
        frequency = self.frequencies.get(word, 0.0)
        if frequency <= 0.0:
            return 1.0
        zipf = math.log10(frequency) + 9.0
        return min(1.0, max(0.0, (6.5 - zipf) / 3.5))


# English keeps its hand-made list of function words (and reporting verbs, which every
# sentence of a news report may hold).
_ENGLISH_STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not of off on once only or other
    our ours ourselves out over own same she should so some such than that the their theirs
    them themselves then there these they this those through to too under until up very was
    we were what when where which while who whom why will with would you your yours yourself
    s t d ll m re ve y mr mrs ms dr said says say told tells according""".split()
)


def _wordfreq_data() -> Path | None:
    """Return the folder of wordfreq's word lists, found without importing wordfreq."""
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def word_frequencies(code: str) -> dict[str, float]:
    """Return wordfreq's "small" frequency list of a language (empty when it has none).

    The file is read as wordfreq's ``read_cBpack`` documents its format (gzipped msgpack: a
    header, then one list of words per centibel of frequency), because importing wordfreq
    itself takes 0.5 s here (langcodes, ftfy, regex), more than aligning two long articles.
    The "small" list (words down to Zipf 3) loads in 20 ms instead of the full list's 200 ms;
    a word missing from it is rare (rarity 1) either way.
    """
    data = _wordfreq_data()
    path = data / f"small_{code}.msgpack.gz" if data is not None else None
    if path is None or not path.is_file():
        return {}
    with gzip.open(path, "rb") as packed:
        header, *buckets = msgpack.load(packed, raw=False)
    if header != {"format": "cB", "version": 1}:
        return {}
    frequencies: dict[str, float] = {}
    for index, words in enumerate(buckets):
        # One bucket at a time through dict.fromkeys: a third faster than a comprehension.
        frequencies.update(dict.fromkeys(words, 10.0 ** (-index / 100.0)))
    return frequencies


@lru_cache(maxsize=32)
def language_tools(code: str) -> LanguageTools:
    """Return the tools for a language code (loaded once per language)."""
    frequencies = word_frequencies(code)
    if code == "en":
        stopwords = _ENGLISH_STOPWORDS
    elif code in UNSPACED:
        # Bigrams of function characters are weighed down by their frequency instead.
        stopwords = frozenset()
    else:
        # A language's most frequent words (Zipf ≥ 5.9, about its top 120) are its
        # function words, and the profile words are among them.
        cutoff = 10 ** (_MIN_STOPWORD_ZIPF - 9.0)
        top = {w for w, f in frequencies.items() if f >= cutoff and w.isalpha()}
        stopwords = frozenset(top | _PROFILES.get(code, frozenset()))
    name = _SNOWBALL.get(code)
    return LanguageTools(
        code=code,
        stemmer=snowballstemmer.stemmer(name) if name else None,
        stopwords=stopwords,
        frequencies=frequencies,
    )


def cross_language_notice(language_a: str, language_b: str) -> str | None:
    """Return what a reader must know when two articles are in different languages, or None.

    >>> cross_language_notice("en", "en") is None
    True
    """
    if language_a == language_b:
        return None
    return (
        f"Cross-language comparison ({language_a} and {language_b}): only shared names, "
        "numbers and initialisms are linked, so passages that say the same thing in other "
        "words stay unlinked and are listed as found in one article only."
    )
