"""Why two passages are linked, and how sure the link is.

Every link carries its evidence: the content terms both passages share, strongest first
(numbers, then by weight), each shown as the word the article wrote. Where the two articles
wrote a term differently (an inflection, "ten" and "10"), the evidence shows both as
``"A word ≈ B word"``: those are the word pairs that matched.

The confidence band of a link the engine makes comes from the link model's probability
(``linking.band``: ``high`` from 0.9, ``medium`` from 0.6, ``low`` below), whose cut-offs
were chosen on the gold set's dev half (bench/README.md gives the precision of each band).
Alignments stored before the model have no probability; their links are banded from the
evidence, because a score can be high on words that only share the topic:

- The *fact weight* of a link is the summed weight (0-6 each) of its shared rare terms,
  those of weight ≥ ``RARE``: specific to few sentences of the two articles and uncommon in
  the language. Words the whole story repeats ("Japan", "call") weigh less and add nothing.
- ``high``: fact weight ≥ ``HIGH_FACTS`` (about four strong shared facts) and a score of at
  least ``HIGH_SCORE_FACTOR`` times the threshold; or identical passages.
- ``low``: fact weight < ``MEDIUM_FACTS`` (two common-ish words such as "end" and
  "statement" are not enough), fewer than ``MEDIUM_TERMS`` informative shared terms and no
  shared rare number (a name and a verb, "Japan pledged", say little about which fact), or a
  score under the threshold.
- ``medium``: the rest.

A link of low confidence, or one with that little evidence whatever its probability, is
never called a paraphrase: its kind is ``partial``.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass

from annotations.records import Confidence
from annotations.records import PairKind
from annotations.text.linking import band
from annotations.text.tokens import is_number_term

__all__ = [
    "HIGH_FACTS",
    "HIGH_SCORE_FACTOR",
    "INFORMATIVE",
    "MAX_EVIDENCE",
    "MEDIUM_FACTS",
    "MEDIUM_TERMS",
    "NOTHING_SHARED",
    "RARE",
    "Explanation",
    "explain",
]

RARE = 3
"""Weight (0-6) from which a shared term is rare enough to count as a fact."""
INFORMATIVE = 2
"""Weight from which a shared term is cited as evidence at all."""
HIGH_FACTS = 16
MEDIUM_FACTS = 8
MEDIUM_TERMS = 3
HIGH_SCORE_FACTOR = 1.6
MAX_EVIDENCE = 8
"""At most this many items are cited, strongest first."""
NOTHING_SHARED = "no shared content word"
"""The evidence of a link whose passages share no content term (never made by this engine)."""


@dataclass(frozen=True, slots=True)
class Explanation:
    """The evidence of one link, its confidence band and its kind."""

    evidence: tuple[str, ...]
    confidence: Confidence
    kind: PairKind


def _shown(term: str, form_a: str | None, form_b: str | None) -> str:
    a = form_a or form_b or term
    b = form_b or a
    return a if a.casefold() == b.casefold() else f"{a} ≈ {b}"


def explain(
    shared: Sequence[tuple[str, int]],
    forms_a: Mapping[str, str],
    forms_b: Mapping[str, str],
    *,
    score: float,
    threshold: float,
    kind: PairKind,
    names: Sequence[tuple[str, tuple[str, ...]]] = (),
    probability: float | None = None,
) -> Explanation:
    """Return the evidence, confidence and (possibly weakened) kind of a link.

    ``shared`` holds the shared terms with their weights; ``forms_a``/``forms_b`` the
    words each passage wrote for its terms; ``names`` runs of shared terms that A writes as
    one name ("Air Force One"), each cited once in place of its words.

    >>> e = explain([("550", 6), ("pledg", 4), ("invest", 4), ("billion", 4), ("japan", 1)],
    ...             {"550": "550", "pledg": "pledge", "invest": "investment"},
    ...             {"550": "550", "pledg": "pledged", "invest": "investment"},
    ...             score=48.0, threshold=25.0, kind="paraphrase")
    >>> e.evidence, e.confidence, e.kind
    (('550', 'billion', 'investment', 'pledge ≈ pledged'), 'high', 'paraphrase')
    """
    ranked = sorted(
        (item for item in shared if item[1] > 0),
        key=lambda item: (not is_number_term(item[0]), -item[1], item[0]),
    )
    cited = [item for item in ranked if item[1] >= INFORMATIVE] or ranked
    weights = dict(ranked)
    items: list[tuple[bool, int, str]] = []
    in_names: set[str] = set()
    for phrase, members in names:
        if any(weights.get(term, 0) >= INFORMATIVE for term in members) and not (
            in_names & set(members)
        ):
            items.append((True, max(weights.get(term, 0) for term in members), phrase))
            in_names.update(members)
    for term, weight in cited:
        if term not in in_names:
            shown = _shown(term, forms_a.get(term), forms_b.get(term))
            items.append((not is_number_term(term), weight, shown))
    items.sort(key=lambda item: (item[0], -item[1]))
    evidence = tuple(shown for _, _, shown in items[:MAX_EVIDENCE])
    if not evidence:
        # Only a link stored by an older engine can share nothing; say so rather than be silent.
        return Explanation((NOTHING_SHARED,), "low", "partial" if kind == "paraphrase" else kind)
    facts = sum(weight for _, weight in ranked if weight >= RARE)
    informative = sum(1 for _, weight in ranked if weight >= INFORMATIVE)
    number = any(is_number_term(term) and weight >= RARE for term, weight in ranked)
    weak = facts < MEDIUM_FACTS or (informative < MEDIUM_TERMS and not number)
    confidence: Confidence
    if probability is not None:
        confidence = band(probability)
    elif kind == "identical" or (facts >= HIGH_FACTS and score >= HIGH_SCORE_FACTOR * threshold):
        confidence = "high"
    elif weak or score < threshold:
        confidence = "low"
    else:
        confidence = "medium"
    if (confidence == "low" or weak) and kind == "paraphrase":
        kind = "partial"
    return Explanation(evidence, confidence, kind)
