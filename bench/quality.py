"""Score ``align_documents`` against hand-aligned gold files: precision, recall, F1.

Each bench/gold/*.json names two article files and lists, as quotes, the sentence pairs a
careful reader sees as reporting the same content, the defensible-but-optional pairs, and
the sentences found in one article only (format in bench/README.md). Passage pairs are
expanded to sentence pairs before counting, so a 2:1 condensation is two sentence pairs.

    .venv/bin/python bench/quality.py [--verbose] [--write-readme] [gold files ...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from annotations.records import Alignment  # noqa: E402
from annotations.records import Document  # noqa: E402
from annotations.records import Span  # noqa: E402
from annotations.text import align  # noqa: E402
from annotations.text.ingest import read_document  # noqa: E402

GOLD_DIR = Path(__file__).resolve().parent / "gold"
README = Path(__file__).resolve().parent / "README.md"
START_MARKER = "<!-- quality-results:start -->"
END_MARKER = "<!-- quality-results:end -->"

Pair = tuple[int, int]


class GoldError(Exception):
    """A gold file that cannot be evaluated as written."""


@dataclass(frozen=True)
class Gold:
    """One gold file, as written."""

    path: Path
    name: str
    a: Path
    b: Path
    pairs: tuple[tuple[str, str], ...]
    maybe: tuple[tuple[str, str], ...]
    only_a: tuple[str, ...]
    only_b: tuple[str, ...]


@dataclass(frozen=True)
class Side:
    """One article: its document and the spans of the sentences that get aligned."""

    document: Document
    sentences: tuple[Span, ...]

    def text_of(self, index: int) -> str:
        """Return the text of sentence ``index``."""
        return self.sentences[index].slice(self.document.text)


@dataclass(frozen=True)
class Result:
    """The counts for one gold file, plus what is needed to list the mistakes."""

    name: str
    gold: frozenset[Pair]
    maybe: frozenset[Pair]
    predicted: frozenset[Pair]
    only_a_expected: tuple[tuple[int, ...], ...]
    only_b_expected: tuple[tuple[int, ...], ...]
    only_a_reported: frozenset[int]
    only_b_reported: frozenset[int]
    a: Side
    b: Side
    settings: str

    @property
    def counted(self) -> frozenset[Pair]:
        """Return the predicted pairs that count for precision (those not in maybe)."""
        return self.predicted - self.maybe

    @property
    def true_positives(self) -> frozenset[Pair]:
        """Return the predicted pairs that are gold pairs."""
        return self.predicted & self.gold

    @property
    def only_correct(self) -> int:
        """Return how many gold one-source sentences the alignment reports as such."""
        return sum(set(i) <= self.only_a_reported for i in self.only_a_expected) + sum(
            set(j) <= self.only_b_reported for j in self.only_b_expected
        )

    @property
    def only_total(self) -> int:
        """Return how many one-source quotes the gold file lists."""
        return len(self.only_a_expected) + len(self.only_b_expected)


# --- reading --------------------------------------------------------------------------


def _quote_pairs(data: dict[str, Any], key: str, path: Path) -> tuple[tuple[str, str], ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(q, str) and q for q in p)
        for p in value
    ):
        raise GoldError(f"{path}: {key!r} must be a list of [quote A, quote B] pairs")
    return tuple((p[0], p[1]) for p in value)


def _quotes(data: dict[str, Any], key: str, path: Path) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(q, str) and q for q in value):
        raise GoldError(f"{path}: {key!r} must be a list of quotes")
    return tuple(value)


def load_gold(path: Path) -> Gold:
    """Read and check one gold file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GoldError(f"{path}: cannot read: {exc}") from exc
    if not isinstance(data, dict):
        raise GoldError(f"{path}: expected a JSON object")
    for key in ("name", "a", "b"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise GoldError(f"{path}: {key!r} must be a non-empty string")
    unknown = set(data) - {"name", "a", "b", "pairs", "maybe", "only_a", "only_b"}
    if unknown:
        raise GoldError(f"{path}: unknown keys {sorted(unknown)}")
    return Gold(
        path=path,
        name=data["name"],
        a=ROOT / data["a"],
        b=ROOT / data["b"],
        pairs=_quote_pairs(data, "pairs", path),
        maybe=_quote_pairs(data, "maybe", path),
        only_a=_quotes(data, "only_a", path),
        only_b=_quotes(data, "only_b", path),
    )


def aligned_sentences(document: Document) -> tuple[Span, ...]:
    """Return the sentences alignment works on: the core's own helper when it has one."""
    helper = getattr(align, "aligned_sentences", None)
    if helper is not None:
        return tuple(helper(document))
    paragraphs = document.segmentation.paragraphs
    return tuple(
        s.span for s in document.segmentation.sentences if paragraphs[s.paragraph].kind == "prose"
    )


def load_side(path: Path) -> Side:
    """Read one article and find its aligned sentences."""
    document = read_document(path)
    return Side(document, aligned_sentences(document))


def locate(side: Side, quote: str, where: str) -> tuple[int, ...]:
    """Return the indices of the aligned sentences that hold ``quote`` (found exactly once)."""
    text = side.document.text
    first = text.find(quote)
    if first < 0:
        raise GoldError(f"{where}: quote not found: {quote!r}")
    if text.find(quote, first + 1) >= 0:
        raise GoldError(f"{where}: quote occurs more than once: {quote!r}")
    end = first + len(quote)
    hits = tuple(i for i, s in enumerate(side.sentences) if s.start < end and first < s.end)
    if not hits:
        raise GoldError(f"{where}: quote is in no aligned sentence (heading?): {quote!r}")
    return hits


def sentence_pairs(
    gold: Gold, a: Side, b: Side, quotes: Sequence[tuple[str, str]], key: str
) -> frozenset[Pair]:
    """Map quote pairs to the sentence pairs they name."""
    out: set[Pair] = set()
    for qa, qb in quotes:
        for i in locate(a, qa, f"{gold.path} {key} (A)"):
            for j in locate(b, qb, f"{gold.path} {key} (B)"):
                out.add((i, j))
    return frozenset(out)


def predicted_pairs(alignment: Alignment) -> frozenset[Pair]:
    """Expand passage pairs to sentence pairs (a_sentences x b_sentences)."""
    return frozenset((i, j) for p in alignment.pairs for i in p.a_sentences for j in p.b_sentences)


def indices_of(spans: Sequence[Span], side: Side) -> frozenset[int]:
    """Return the indices of the aligned sentences that ``spans`` overlap."""
    return frozenset(
        i
        for span in spans
        for i, s in enumerate(side.sentences)
        if s.start < span.end and span.start < s.end
    )


def _only(
    gold: Gold, side: Side, quotes: Sequence[str], paired: set[int], optional: set[int], key: str
) -> tuple[tuple[int, ...], ...]:
    """Locate the one-source quotes of one side; check them against the pairs.

    A sentence both in ``only_`` and in a gold pair is a contradiction. One that is also in a
    maybe pair is defensible either way, so it is left out of the one-source score.
    """
    out = []
    for quote in quotes:
        hits = locate(side, quote, f"{gold.path} only_{key}")
        if paired & set(hits):
            raise GoldError(f"{gold.path}: only_{key} quote is also in a gold pair: {quote!r}")
        if optional & set(hits):
            print(
                f"note: {gold.path.name}: only_{key} quote is also in a maybe pair, "
                f"not scored: {quote!r}",
                file=sys.stderr,
            )
            continue
        out.append(hits)
    return tuple(out)


def evaluate(gold: Gold, *, threshold: float | None = None) -> Result:
    """Align the two articles of ``gold`` and compare with it."""
    a, b = load_side(gold.a), load_side(gold.b)
    gold_pairs = sentence_pairs(gold, a, b, gold.pairs, "pairs")
    maybe = sentence_pairs(gold, a, b, gold.maybe, "maybe")
    both = gold_pairs & maybe
    if both:
        raise GoldError(f"{gold.path}: sentence pairs in both pairs and maybe: {sorted(both)}")
    only_a = _only(gold, a, gold.only_a, {i for i, _ in gold_pairs}, {i for i, _ in maybe}, "a")
    only_b = _only(gold, b, gold.only_b, {j for _, j in gold_pairs}, {j for _, j in maybe}, "b")

    options = {} if threshold is None else {"threshold": threshold}
    alignment = align.align_documents(a.document, b.document, **options)
    settings = alignment.settings
    return Result(
        name=gold.name,
        gold=gold_pairs,
        maybe=maybe,
        predicted=predicted_pairs(alignment),
        only_a_expected=only_a,
        only_b_expected=only_b,
        only_a_reported=indices_of(alignment.only_a, a),
        only_b_reported=indices_of(alignment.only_b, b),
        a=a,
        b=b,
        settings=f"{settings.version}, threshold {settings.threshold:g}, "
        f"near_best {settings.near_best:g}",
    )


# --- report ---------------------------------------------------------------------------


def ratio(part: int, whole: int) -> float | None:
    """Return ``part / whole``, or None when ``whole`` is 0."""
    return part / whole if whole else None


def f1(precision: float | None, recall: float | None) -> float | None:
    """Return the harmonic mean of precision and recall."""
    if precision is None or recall is None or precision + recall == 0:
        return None if precision is None or recall is None else 0.0
    return 2 * precision * recall / (precision + recall)


def percent(value: float | None) -> str:
    """Format a share as a percentage."""
    return "—" if value is None else f"{100 * value:.1f}%"


def table(results: Sequence[Result]) -> str:
    """Return the per-file table with micro-averaged totals, in Markdown."""
    lines = [
        "| Gold file | gold pairs | predicted (not maybe) | correct | precision | recall | F1 "
        "| only-in correct |",
        "|---|---|---|---|---|---|---|---|",
    ]
    totals = [0, 0, 0, 0, 0]

    def row(name: str, gold: int, counted: int, correct: int, only_ok: int, only_n: int) -> str:
        precision, recall = ratio(correct, counted), ratio(correct, gold)
        only = f"{percent(ratio(only_ok, only_n))} ({only_ok}/{only_n})"
        return (
            f"| {name} | {gold} | {counted} | {correct} | {percent(precision)} "
            f"| {percent(recall)} | {percent(f1(precision, recall))} | {only} |"
        )

    for r in results:
        counts = (len(r.gold), len(r.counted), len(r.true_positives), r.only_correct, r.only_total)
        totals = [t + c for t, c in zip(totals, counts, strict=True)]
        lines.append(row(r.name, *counts))
    if len(results) > 1:
        lines.append(row("**all (micro)**", *totals))
    return "\n".join(lines)


def clip(text: str, width: int = 90) -> str:
    """Shorten ``text`` to ``width`` characters on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def mistakes(r: Result) -> str:
    """List false pairs, misses and one-source mistakes of one file."""
    lines = [f"## {r.name}"]
    false = sorted(r.counted - r.gold)
    misses = sorted(r.gold - r.predicted)
    lines.append(f"false pairs ({len(false)}):")
    for i, j in false:
        lines += [f"  A{i}: {clip(r.a.text_of(i))}", f"  B{j}: {clip(r.b.text_of(j))}", ""]
    lines.append(f"missed pairs ({len(misses)}):")
    for i, j in misses:
        lines += [f"  A{i}: {clip(r.a.text_of(i))}", f"  B{j}: {clip(r.b.text_of(j))}", ""]
    wrong_only = [("A", i, r.a) for i in r.only_a_expected if not set(i) <= r.only_a_reported]
    wrong_only += [("B", j, r.b) for j in r.only_b_expected if not set(j) <= r.only_b_reported]
    lines.append(f"one-source sentences paired anyway ({len(wrong_only)}):")
    for label, hits, side in wrong_only:
        for k in hits:
            lines.append(f"  {label}{k}: {clip(side.text_of(k))}")
    return "\n".join(lines)


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
    """Evaluate every gold file and print (and optionally store) the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="*", type=Path, help="gold files (default: bench/gold/*)")
    parser.add_argument("--threshold", type=float, help="passed to align_documents")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every mistake")
    parser.add_argument("--write-readme", action="store_true", help="update bench/README.md")
    args = parser.parse_args(argv)
    paths = args.gold or sorted(GOLD_DIR.glob("*.json"))
    if not paths:
        raise SystemExit(f"no gold files in {GOLD_DIR}")
    try:
        results = [evaluate(load_gold(p), threshold=args.threshold) for p in paths]
    except GoldError as exc:
        raise SystemExit(f"gold error: {exc}") from None
    section = "\n".join(
        [
            f"Run {dt.date.today().isoformat()}; alignment {results[0].settings}.",
            "",
            table(results),
        ]
    )
    print(section)
    if args.verbose:
        for r in results:
            print()
            print(mistakes(r))
    if args.write_readme:
        write_readme(section)
        print(f"\nwrote {README.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
