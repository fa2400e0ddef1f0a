"""Score the aligner on the gold set in bench/gold/pairs/, dev and test apart.

Each pair's two articles go through the engine as ``parallax align --json`` runs it
(``read_document``, ``align_documents``, ``alignment_to_json``). Every predicted passage pair
is mapped onto the hand-marked units it touches and expanded to (A unit, B unit) sentence
links, which are counted against the gold's sure links as bench/gold/README.md says: a
predicted link inside a ``possible`` link is neither right nor wrong, a link touching a
byline, boilerplate or heading unit is false, and counts are summed over a split before
dividing. A TF-IDF cosine baseline, its threshold chosen on dev, is scored beside it, once
over the hand-marked sentences and once over the engine's own.

    .venv/bin/python bench/quality.py [--split dev|test] [--pair ID] [--threshold T]
                                      [--verbose] [--write-readme]
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import numpy as np

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for _path in (ROOT, BENCH):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import gold_set  # noqa: E402
from gold_set import GoldPair  # noqa: E402

from annotations import AnnotationError  # noqa: E402
from annotations import align_documents  # noqa: E402
from annotations import alignment_to_json  # noqa: E402
from annotations import read_document  # noqa: E402

README = BENCH / "README.md"
START_MARKER = "<!-- quality-results:start -->"
END_MARKER = "<!-- quality-results:end -->"
# Confidence labels in the order the engine documents them; other labels follow, sorted.
BAND_ORDER = ("high", "medium", "low")
# At most this many false sentence links per alignment of two different events (issue 13).
DIFFERENT_EVENTS_TARGET = 0.1
BODY_KINDS = frozenset({"sentence"})

IndexPair = tuple[int, int]
PredictedPairs = Sequence[Mapping[str, Any]]


class ScoreError(Exception):
    """An aligner's output that cannot be scored as given; the message says which pair."""


# --- counting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """Sentence-link counts of one pair or, added up, of a group of pairs."""

    gold: int = 0
    predicted: int = 0
    possible: int = 0
    correct: int = 0
    false: int = 0
    false_unlinkable: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.gold + other.gold,
            self.predicted + other.predicted,
            self.possible + other.possible,
            self.correct + other.correct,
            self.false + other.false,
            self.false_unlinkable + other.false_unlinkable,
        )

    @property
    def precision(self) -> float | None:
        """Return correct / (correct + false), or None when nothing counted was predicted."""
        scored = self.correct + self.false
        return self.correct / scored if scored else None

    @property
    def recall(self) -> float | None:
        """Return correct / gold, or None when the gold has no sure link."""
        return self.correct / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        """Return the harmonic mean of precision and recall (0 when nothing is right)."""
        if self.gold == 0:
            return None
        p, r = self.precision or 0.0, self.recall or 0.0
        return 2 * p * r / (p + r) if p + r else 0.0


def total(counts: Iterable[Counts]) -> Counts:
    """Return the sum of ``counts`` (micro-averaging: add first, divide after)."""
    out = Counts()
    for c in counts:
        out = out + c
    return out


def _span(value: Any, text: str, where: str) -> tuple[int, int]:
    if isinstance(value, Mapping) and "start" in value and "end" in value:
        value = (value["start"], value["end"])
    if (
        not isinstance(value, Sequence)
        or isinstance(value, str)
        or len(value) != 2
        or not all(isinstance(x, int) and not isinstance(x, bool) for x in value)
    ):
        raise ScoreError(f"{where}: expected [start, end] or {{start, end}}, got {value!r}")
    start, end = value
    if not 0 <= start < end <= len(text):
        raise ScoreError(f"{where}: span [{start}, {end}) outside the text (0-{len(text)})")
    return start, end


def _band(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def band_key(band: str) -> tuple[int, str]:
    """Sort key putting known confidence labels in their order, others after them."""
    return (BAND_ORDER.index(band), "") if band in BAND_ORDER else (len(BAND_ORDER), band)


def predicted_links(pair: GoldPair, predicted: PredictedPairs) -> dict[IndexPair, str | None]:
    """Map predicted passage pairs onto unit pairs: ``{(A unit, B unit): confidence}``.

    Each passage pair (a dict with ``"a"`` and ``"b"`` spans, as ``parallax align --json``
    prints it; other keys are ignored) covers every unit it shares a character with, and
    stands for all A unit × B unit pairs. A unit pair reached by several passages keeps the
    most confident label; the label is None when the aligner gives none.
    """
    out: dict[IndexPair, str | None] = {}
    for number, passage in enumerate(predicted):
        where = f"{pair.id}: predicted pair {number}"
        if not isinstance(passage, Mapping) or "a" not in passage or "b" not in passage:
            raise ScoreError(f"{where}: expected a dict with 'a' and 'b' spans")
        a = gold_set.units_in(pair.a, *_span(passage["a"], pair.a.text, f"{where} 'a'"))
        b = gold_set.units_in(pair.b, *_span(passage["b"], pair.b.text, f"{where} 'b'"))
        label = passage.get("confidence")
        band = None if label is None else _band(label)
        for x in a:
            for y in b:
                key = (x.index, y.index)
                if key not in out or (
                    band is not None
                    and (out[key] is None or band_key(band) < band_key(out[key] or ""))
                ):
                    out[key] = band
    return out


def _both_of(pair: GoldPair, kinds: frozenset[str]) -> Callable[[IndexPair], bool]:
    def keep(link: IndexPair) -> bool:
        return pair.a.units[link[0]].kind in kinds and pair.b.units[link[1]].kind in kinds

    return keep


def score_links(
    pair: GoldPair, links: Iterable[IndexPair], *, kinds: Iterable[str] | None = None
) -> Counts:
    """Count predicted unit pairs of ``pair`` against its gold.

    A pair inside a ``possible`` link is counted in neither precision nor recall; one that
    touches a unit the guidelines never link (byline, boilerplate, heading) is false. With
    ``kinds`` (e.g. ``{"sentence"}``) only unit pairs whose two units are of those kinds
    count, on both sides of the comparison.
    """
    keep_kinds = gold_set.LINKABLE_KINDS if kinds is None else frozenset(kinds)
    gold = pair.sentence_links("sure", kinds=keep_kinds)
    maybe = pair.sentence_links("possible", kinds=keep_kinds)
    found = set(links)
    if kinds is not None:
        found = set(filter(_both_of(pair, keep_kinds), found))
    unlinkable = {
        link
        for link in found
        if not (pair.a.units[link[0]].is_linkable and pair.b.units[link[1]].is_linkable)
    }
    counted = found - maybe
    return Counts(
        gold=len(gold),
        predicted=len(found),
        possible=len(found & maybe),
        correct=len(counted & gold),
        false=len(counted - gold),
        false_unlinkable=len(unlinkable),
    )


def score_bands(pair: GoldPair, links: Mapping[IndexPair, str | None]) -> dict[str, Counts]:
    """Count the predicted unit pairs of each confidence label (gold left at 0)."""
    out: dict[str, Counts] = {}
    for band in {b for b in links.values() if b is not None}:
        counts = score_links(pair, [k for k, v in links.items() if v == band])
        out[band] = Counts(0, counts.predicted, counts.possible, counts.correct, counts.false)
    return out


# --- the engine ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EngineRun:
    """What the engine made of one pair: its JSON pairs and a note of its settings."""

    pairs: tuple[Mapping[str, Any], ...]
    settings: str


def run_engine(pair: GoldPair, *, threshold: float | None = None) -> EngineRun:
    """Align ``pair`` as ``parallax align --json A B`` does and return the JSON pairs."""
    documents = []
    for doc in (pair.a, pair.b):
        try:
            document = read_document(doc.path)
        except AnnotationError as exc:
            raise ScoreError(f"{pair.id}: {exc}") from exc
        if document.text != doc.text:
            raise ScoreError(
                f"{pair.id}: {doc.path.name} reads differently through read_document, "
                "so the gold offsets do not apply"
            )
        documents.append(document)
    options = {} if threshold is None else {"threshold": threshold}
    alignment = align_documents(documents[0], documents[1], **options)
    payload = alignment_to_json(alignment, documents[0], documents[1])
    settings = getattr(alignment, "settings", None)
    note = ", ".join(
        f"{name} {getattr(settings, name)}"
        for name in ("version", "threshold", "near_best")
        if hasattr(settings, name)
    )
    return EngineRun(tuple(payload["pairs"]), note)


# --- the TF-IDF baseline ---------------------------------------------------------------------

_WORD = re.compile(r"\w+")
# Languages written without spaces: words are not delimited, so use character bigrams.
_UNSPACED = frozenset({"ja", "zh"})


def tokens(text: str, language: str) -> list[str]:
    """Return lower-cased words, or character bigrams for Japanese and Chinese."""
    words = _WORD.findall(text.lower())
    if language not in _UNSPACED:
        return words
    return [w[i : i + 2] for w in words for i in range(max(1, len(w) - 1))]


SEGMENTATIONS = ("units", "engine")


@dataclass(frozen=True)
class Cosines:
    """A baseline's sentences of A and B, the units each one touches, and their cosines."""

    a: tuple[tuple[int, int], ...]
    b: tuple[tuple[int, int], ...]
    a_units: tuple[tuple[int, ...], ...]
    b_units: tuple[tuple[int, ...], ...]
    matrix: np.ndarray


def baseline_sentences(doc: gold_set.Doc, segmentation: str) -> tuple[tuple[int, int], ...]:
    """Return the sentences a baseline compares: hand-marked or the engine's own.

    ``"units"``: the units the guidelines allow in links (sentences, headlines, bullets), so
    the baseline gets the segmentation and the byline filter for free. ``"engine"``: the
    sentences ``read_document`` finds (its segmentation, the ones the engine aligns).
    """
    if segmentation == "units":
        return tuple((u.start, u.end) for u in doc.units if u.is_linkable)
    if segmentation == "engine":
        return tuple((s.start, s.end) for s in read_document(doc.path).segmentation.sentences)
    raise ValueError(f"segmentation must be one of {SEGMENTATIONS}, not {segmentation!r}")


def tfidf_matrix(
    texts_a: Sequence[str], language_a: str, texts_b: Sequence[str], language_b: str
) -> np.ndarray:
    """Return the cosines of the TF-IDF vectors of every text of A with every text of B.

    Written with NumPy rather than scikit-learn (not a dependency): raw term counts times
    smooth IDF ``ln((1 + n) / (1 + df)) + 1`` over the texts of the two articles, each
    vector L2-normalised, as ``TfidfVectorizer``'s defaults do.
    """
    bags = [Counter(tokens(t, language_a)) for t in texts_a]
    bags += [Counter(tokens(t, language_b)) for t in texts_b]
    vocabulary = {term: i for i, term in enumerate(sorted({t for bag in bags for t in bag}))}
    matrix = np.zeros((len(bags), len(vocabulary)))
    for row, bag in enumerate(bags):
        for term, count in bag.items():
            matrix[row, vocabulary[term]] = count
    df = (matrix > 0).sum(axis=0)
    matrix *= np.log((1 + len(bags)) / (1 + df)) + 1
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix /= np.where(norms == 0, 1, norms)
    return matrix[: len(texts_a)] @ matrix[len(texts_a) :].T


def tfidf_cosines(pair: GoldPair, segmentation: str = "units") -> Cosines:
    """Return the baseline's sentences of ``pair`` and their TF-IDF cosines."""
    sides = []
    for doc in (pair.a, pair.b):
        spans = baseline_sentences(doc, segmentation)
        units = tuple(tuple(u.index for u in gold_set.units_in(doc, s, e)) for s, e in spans)
        sides.append((spans, units, [doc.text[s:e] for s, e in spans]))
    (a, a_units, a_texts), (b, b_units, b_texts) = sides
    matrix = tfidf_matrix(a_texts, pair.a.language, b_texts, pair.b.language)
    return Cosines(a, b, a_units, b_units, matrix)


def baseline_pairs(cosines: Cosines, threshold: float) -> list[IndexPair]:
    """Return the (A sentence, B sentence) pairs whose cosine is at least ``threshold``."""
    rows, cols = np.nonzero(cosines.matrix >= threshold)
    return list(zip(rows.tolist(), cols.tolist(), strict=True))


def baseline_links(cosines: Cosines, threshold: float) -> set[IndexPair]:
    """Return the (A unit, B unit) pairs that the baseline's sentence pairs cover."""
    return {
        (x, y)
        for i, j in baseline_pairs(cosines, threshold)
        for x in cosines.a_units[i]
        for y in cosines.b_units[j]
    }


def choose_threshold(
    pairs: Sequence[GoldPair],
    cosines: Mapping[str, Cosines],
    grid: Sequence[float] = tuple(round(0.05 + 0.01 * i, 2) for i in range(91)),
) -> float:
    """Return the cosine threshold with the best micro F1 over ``pairs`` (the lowest on ties)."""
    best, best_f1 = grid[0], -1.0
    for threshold in grid:
        counts = total(score_links(p, baseline_links(cosines[p.id], threshold)) for p in pairs)
        f1 = counts.f1 or 0.0
        if f1 > best_f1:
            best, best_f1 = threshold, f1
    return best


def score_baseline(pair: GoldPair, cosines: Cosines, threshold: float) -> PairResult:
    """Score the baseline's links for ``pair`` as the engine's are scored."""
    links = baseline_links(cosines, threshold)
    return PairResult(
        pair=pair,
        passages=len(baseline_pairs(cosines, threshold)),
        links=dict.fromkeys(links),
        counts=score_links(pair, links),
        body=score_links(pair, links, kinds=BODY_KINDS),
    )


# --- evaluation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PairResult:
    """One pair scored: all linkable units, body sentences only, and per confidence label."""

    pair: GoldPair
    passages: int
    links: Mapping[IndexPair, str | None]
    counts: Counts
    body: Counts
    bands: Mapping[str, Counts] = field(default_factory=dict)


def evaluate(pair: GoldPair, predicted: PredictedPairs) -> PairResult:
    """Score an aligner's JSON pairs for ``pair`` every way the report shows."""
    links = predicted_links(pair, predicted)
    return PairResult(
        pair=pair,
        passages=len(predicted),
        links=links,
        counts=score_links(pair, links),
        body=score_links(pair, links, kinds=BODY_KINDS),
        bands=score_bands(pair, links),
    )


def language_key(pair: GoldPair) -> str:
    """Return ``"en"`` for an English pair, ``"en→de"`` for English A and German B."""
    a, b = pair.a.language, pair.b.language
    return a if a == b else f"{a}→{b}"


# --- report --------------------------------------------------------------------------------


def fmt(value: float | None) -> str:
    """Format a share with three decimals, or a dash when undefined."""
    return "—" if value is None else f"{value:.3f}"


def _prf(c: Counts) -> str:
    return f"{fmt(c.precision)} | {fmt(c.recall)} | {fmt(c.f1)}"


def headline_table(rows: Sequence[tuple[str, str, Counts]]) -> str:
    """Return the main table: one row per scorer and split."""
    lines = [
        "| scored | split | sure gold links | predicted links | in `possible` (not scored) "
        "| correct | false (of which byline/boilerplate/heading) | P | R | F1 |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, split, c in rows:
        lines.append(
            f"| {name} | {split} | {c.gold} | {c.predicted} | {c.possible} | {c.correct} "
            f"| {c.false} ({c.false_unlinkable}) | {_prf(c)} |"
        )
    return "\n".join(lines)


def group_table(
    title: str, results: Mapping[str, Sequence[PairResult]], key: Callable[[GoldPair], str]
) -> str:
    """Return P/R/F1 per group (category or language), dev and test side by side."""
    groups = sorted({key(r.pair) for rs in results.values() for r in rs})
    splits = list(results)
    head = " | ".join(
        f"{s} pairs | {s} correct / gold / false | {s} P | {s} R | {s} F1" for s in splits
    )
    lines = [f"| {title} | {head} |", "|---" + "|---:" * (5 * len(splits)) + "|"]
    for group in groups:
        cells = []
        for split in splits:
            mine = [r for r in results[split] if key(r.pair) == group]
            if not mine:
                cells.append("— | — | — | — | —")
                continue
            c = total(r.counts for r in mine)
            cells.append(f"{len(mine)} | {c.correct} / {c.gold} / {c.false} | {_prf(c)}")
        lines.append(f"| {group} | {' | '.join(cells)} |")
    return "\n".join(lines)


def different_events_table(rows: Sequence[tuple[str, str, Sequence[PairResult]]]) -> str:
    """Return false links per alignment of two articles about different events."""
    lines = [
        "| scored | split | alignments | linked passages | false sentence links "
        f"| false links per alignment (target ≤ {DIFFERENT_EVENTS_TARGET:g}) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name, split, results in rows:
        mine = [r for r in results if r.pair.category == "different-events"]
        if not mine:
            continue
        false = sum(r.counts.false for r in mine)
        passages = sum(r.passages for r in mine)
        rate = false / len(mine)
        mark = "✓" if rate <= DIFFERENT_EVENTS_TARGET else "✗"
        lines.append(
            f"| {name} | {split} | {len(mine)} | {passages} | {false} | {rate:.2f} {mark} |"
        )
    return "\n".join(lines)


def bands_table(results: Mapping[str, Sequence[PairResult]]) -> str | None:
    """Return P per confidence label and cumulative P/R, or None when the aligner gives none."""
    labels = sorted({b for rs in results.values() for r in rs for b in r.bands}, key=band_key)
    if not labels:
        return None
    lines = [
        "| split | confidence | predicted links | correct / false | P of this label "
        "| P at this label or above | R at this label or above |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for split, rs in results.items():
        gold = sum(r.counts.gold for r in rs)
        running = Counts(gold=gold)
        for label in labels:
            c = total(r.bands.get(label, Counts()) for r in rs)
            running = running + c
            lines.append(
                f"| {split} | {label} | {c.predicted} | {c.correct} / {c.false} "
                f"| {fmt(c.precision)} | {fmt(running.precision)} | {fmt(running.recall)} |"
            )
    return "\n".join(lines)


def clip(text: str, width: int = 100) -> str:
    """Shorten ``text`` to ``width`` characters on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def mistakes(result: PairResult) -> str:
    """List the false links and the missed sure links of one pair."""
    pair = result.pair
    gold = pair.sentence_links("sure")
    maybe = pair.sentence_links("possible")
    found = set(result.links)
    false = sorted(found - gold - maybe)
    missed = sorted(gold - found)
    lines = [f"## {pair.id} ({pair.split}, {pair.category}): {_prf(result.counts)}"]
    for title, links in (("false", false), ("missed", missed)):
        lines.append(f"{title} ({len(links)}):")
        for i, j in links:
            ua, ub = pair.a.units[i], pair.b.units[j]
            lines += [
                f"  {ua.id} [{ua.kind}] {clip(ua.text)}",
                f"  {ub.id} [{ub.kind}] {clip(ub.text)}",
                "",
            ]
    return "\n".join(lines)


@dataclass(frozen=True)
class Baseline:
    """A TF-IDF baseline scored on every split, with the threshold it was given on dev."""

    name: str
    threshold: float
    results: Mapping[str, Sequence[PairResult]]


def report(
    engine: Mapping[str, Sequence[PairResult]], baselines: Sequence[Baseline], settings: str
) -> str:
    """Return the Markdown section for bench/README.md."""
    splits = list(engine)
    rows: list[tuple[str, str, Counts]] = []
    for split in splits:
        rows.append(("engine", split, total(r.counts for r in engine[split])))
    for split in splits:
        rows.append(("engine, body sentences only", split, total(r.body for r in engine[split])))
    for baseline in baselines:
        for split in splits:
            rows.append((baseline.name, split, total(r.counts for r in baseline.results[split])))
    parts = [
        f"Run {dt.date.today().isoformat()}; engine: {settings or 'settings not reported'}; "
        "TF-IDF thresholds chosen on dev.",
        "",
        headline_table(rows),
        "",
        "Engine by category:",
        "",
        group_table("category", engine, lambda p: p.category),
        "",
        "Engine by language (A→B when they differ):",
        "",
        group_table("language", engine, language_key),
        "",
        "Articles about different events (every predicted link is false):",
        "",
        different_events_table(
            [("engine", s, engine[s]) for s in splits]
            + [(b.name, s, b.results[s]) for b in baselines for s in splits]
        ),
    ]
    bands = bands_table(engine)
    if bands:
        parts += ["", "Engine by confidence:", "", bands]
    else:
        parts += ["", "The engine's pairs carry no `confidence`: no table by confidence."]
    return "\n".join(parts)


def write_readme(section: str) -> None:
    """Replace the text between the quality markers in bench/README.md."""
    text = README.read_text(encoding="utf-8")
    start, end = text.find(START_MARKER), text.find(END_MARKER)
    if start < 0 or end < start:
        raise SystemExit(f"{README}: markers {START_MARKER} / {END_MARKER} not found")
    README.write_text(
        f"{text[: start + len(START_MARKER)]}\n{section}\n{text[end:]}", encoding="utf-8"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Score the engine and the baseline on the gold set and print the tables."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--split", choices=gold_set.SPLITS, help="score one split only")
    parser.add_argument("--pair", action="append", metavar="ID", help="score only these pairs")
    parser.add_argument("--threshold", type=float, help="passed to align_documents")
    parser.add_argument(
        "--verbose",
        "-v",
        action="store_true",
        help="list false links and misses (dev only, "
        "unless --split test or --pair asks for test pairs)",
    )
    parser.add_argument("--write-readme", action="store_true", help="update bench/README.md")
    args = parser.parse_args(argv)
    if args.write_readme and (args.split or args.pair or args.threshold is not None):
        parser.error("--write-readme stores the full default run only")
    try:
        pairs = gold_set.load_pairs()
    except gold_set.GoldSetError as exc:
        raise SystemExit(f"gold set: {exc}") from None
    if args.pair:
        unknown = set(args.pair) - {p.id for p in pairs}
        if unknown:
            raise SystemExit(f"no such pair: {', '.join(sorted(unknown))}")
        pairs = tuple(p for p in pairs if p.id in args.pair)
    splits = [args.split] if args.split else list(gold_set.SPLITS)
    by_split = {s: [p for p in pairs if p.split == s] for s in splits}
    by_split = {s: ps for s, ps in by_split.items() if ps}

    engine: dict[str, list[PairResult]] = {s: [] for s in by_split}
    settings = ""
    try:
        for split, split_pairs in by_split.items():
            for pair in split_pairs:
                run = run_engine(pair, threshold=args.threshold)
                settings = run.settings
                engine[split].append(evaluate(pair, run.pairs))
        baselines = []
        dev = gold_set.load_pairs("dev")
        for segmentation, label in (("units", "hand-marked"), ("engine", "engine's")):
            needed = {p.id: p for p in (*dev, *pairs)}
            cosines = {i: tfidf_cosines(p, segmentation) for i, p in needed.items()}
            threshold = choose_threshold(dev, cosines)
            scored = {
                split: [score_baseline(p, cosines[p.id], threshold) for p in split_pairs]
                for split, split_pairs in by_split.items()
            }
            name = f"TF-IDF cosine ≥ {threshold:g}, {label} sentences"
            baselines.append(Baseline(name, threshold, scored))
    except ScoreError as exc:
        raise SystemExit(f"cannot score: {exc}") from None
    section = report(engine, baselines, settings)
    print(section)
    if args.verbose:
        for split, results in engine.items():
            if split == "test" and not (args.split == "test" or args.pair):
                print("\n(test mistakes not listed: tune on dev; --split test lists them)")
                continue
            for result in results:
                print()
                print(mistakes(result))
    if args.write_readme:
        write_readme(section)
        print(f"\nwrote {README.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
