"""How good are the framing suggestions? Scored on the framing keys in bench/framing/.

For each split (dev, test) of the keys: per tag, recall (key spans found by a suggestion
with the same tag) and precision (suggestions that find a key span with their tag); a
suggestion finds a key span when both are in the same article, carry the same tag and
overlap by at least half of the shorter span. Several suggestions may find one key span and
one suggestion may find several. Also: suggestions per 1,000 words, the share of the text
highlighted (the union of the suggested spans over all characters), the must-find spans and
the two seed examples (the crypto line as promotional, "Make Japan Great Again" as slogan).

    .venv/bin/python bench/suggest_quality.py [--write-readme] [--details]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from timing import write_section  # noqa: E402

from annotations.framing.suggest import suggest  # noqa: E402
from annotations.framing.suggesting import selection  # noqa: E402
from annotations.framing.taxonomy import MEDIA_LITERACY  # noqa: E402
from annotations.records import Document  # noqa: E402
from annotations.records import Suggestion  # noqa: E402
from annotations.text.align import align_documents  # noqa: E402
from annotations.text.ingest import read_document  # noqa: E402

KEYS = ROOT / "bench" / "framing" / "pairs"
README = ROOT / "bench" / "README.md"
START, END = "<!-- suggest-quality:start -->", "<!-- suggest-quality:end -->"
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class KeySpan:
    """One span of a key: article (0 or 1), offsets, tag, and whether it must be found."""

    document: int
    start: int
    end: int
    tag: str
    must: bool
    quote: str


@dataclass(frozen=True)
class Pair:
    """One keyed pair of articles."""

    id: str
    split: str
    documents: tuple[Document, Document]
    spans: tuple[KeySpan, ...]


def _find(text: str, quote: str, occurrence: int, where: str) -> int:
    at = -1
    for _ in range(occurrence):
        at = text.find(quote, at + 1)
        if at < 0:
            raise SystemExit(f"{where}: quote not found (occurrence {occurrence}): {quote!r}")
    return at


def load_pairs(directory: Path = KEYS) -> list[Pair]:
    """Read every key under ``directory`` and anchor its quotes in the articles."""
    pairs = []
    for key_path in sorted(directory.glob("*/key.json")):
        key = json.loads(key_path.read_text(encoding="utf-8"))
        documents = tuple(
            read_document((key_path.parent / key[side]["file"]).resolve()) for side in "ab"
        )
        spans = []
        for entry in key["spans"]:
            index = "ab".index(entry["doc"])
            text = documents[index].text
            if entry["tag"] not in {tag.key for tag in MEDIA_LITERACY.tags}:
                raise SystemExit(f"{key_path}: unknown tag {entry['tag']!r}")
            start = _find(text, entry["quote"], entry.get("occurrence", 1), str(key_path))
            end = start + len(entry["quote"])
            spans.append(
                KeySpan(index, start, end, entry["tag"], entry.get("must", False), entry["quote"])
            )
        pairs.append(Pair(key["id"], key["split"], documents, tuple(spans)))  # type: ignore[arg-type]
    return pairs


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """Return whether two spans overlap by at least half of the shorter one."""
    shared = min(a_end, b_end) - max(a_start, b_start)
    shorter = min(a_end - a_start, b_end - b_start)
    return shared > 0 and 2 * shared >= shorter


def finds(suggestion: Suggestion, span: KeySpan) -> bool:
    """Return whether a suggestion finds a key span (same article, tag, enough overlap)."""
    return (
        suggestion.document == span.document
        and suggestion.tag == span.tag
        and overlaps(suggestion.start, suggestion.end, span.start, span.end)
    )


def covered(spans: list[tuple[int, int]]) -> int:
    """Return the number of characters the union of ``spans`` covers."""
    total, reach = 0, 0
    for start, end in sorted(spans):
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total


@dataclass
class Tally:
    """Counts for one split."""

    key: dict[str, int]
    found: dict[str, int]
    suggested: dict[str, int]
    right: dict[str, int]
    words: int = 0
    characters: int = 0
    highlighted: int = 0
    must: int = 0
    must_found: int = 0


def score(pairs: list[Pair], *, details: bool = False) -> dict[str, Tally]:
    """Return a tally per split, suggesting with the alignment of each pair."""
    tallies: dict[str, Tally] = {}
    for pair in pairs:
        tally = tallies.setdefault(
            pair.split,
            Tally(defaultdict(int), defaultdict(int), defaultdict(int), defaultdict(int)),
        )
        alignment = align_documents(*pair.documents)
        suggestions = suggest(pair.documents, MEDIA_LITERACY, alignment=alignment)
        for span in pair.spans:
            tally.key[span.tag] += 1
            hit = any(finds(s, span) for s in suggestions)
            tally.found[span.tag] += hit
            tally.must += span.must
            tally.must_found += span.must and hit
            if details and not hit:
                print(f"MISS {pair.id} {'ab'[span.document]} {span.tag}: {span.quote[:70]!r}")
        for s in suggestions:
            tally.suggested[s.tag] += 1
            good = any(finds(s, span) for span in pair.spans)
            tally.right[s.tag] += good
            if details and not good:
                print(f"EXTRA {pair.id} {'ab'[s.document]} {s.tag} {s.score}: {s.quote[:70]!r}")
        for index, document in enumerate(pair.documents):
            tally.words += len(_WORD.findall(document.text))
            tally.characters += len(document.text)
            tally.highlighted += covered(
                [(s.start, s.end) for s in suggestions if s.document == index]
            )
    return tallies


def seed_examples(pairs: list[Pair]) -> list[tuple[str, bool]]:
    """Return whether the two seed examples are found with the right tag."""
    seed = next((p for p in pairs if p.id == "seed-takaichi"), None)
    if seed is None:
        return []
    suggestions = suggest(seed.documents, MEDIA_LITERACY)
    checks = []
    for index, quote, tag in (
        (0, "Join a premium crypto trading community", "promotional"),
        (1, "Make Japan Great Again", "slogan"),
    ):
        start = seed.documents[index].text.find(quote)
        span = KeySpan(index, start, start + len(quote), tag, True, quote)
        checks.append((f"{quote!r} as {tag}", any(finds(s, span) for s in suggestions)))
    return checks


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "–"


def table(tallies: dict[str, Tally], checks: list[tuple[str, bool]], counts: dict[str, int]) -> str:
    """Return the Markdown tables of both splits."""
    lines = [
        f"Keys: {counts['dev']} dev pairs, {counts['test']} test pairs (bench/framing/). "
        "Right tag, overlap at least half of the shorter span.",
        "",
        "| split | key spans | suggestions | recall | precision | per 1,000 words | "
        "text highlighted | must-find |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for split in ("dev", "test"):
        t = tallies[split]
        keys, found = sum(t.key.values()), sum(t.found.values())
        sugg, right = sum(t.suggested.values()), sum(t.right.values())
        lines.append(
            f"| {split} | {keys} | {sugg} | {_ratio(found, keys)} | {_ratio(right, sugg)} | "
            f"{1000 * sugg / t.words:.1f} | {100 * t.highlighted / t.characters:.0f} % | "
            f"{t.must_found}/{t.must} |"
        )
    lines += ["", "Per tag (recall = found / key spans, precision = right / suggested):", ""]
    lines.append("| tag | dev recall | dev precision | test recall | test precision |")
    lines.append("|---|---|---|---|---|")
    for tag in MEDIA_LITERACY.tags:
        cells = []
        for split in ("dev", "test"):
            t = tallies[split]
            cells.append(
                f"{_ratio(t.found[tag.key], t.key[tag.key])} ({t.found[tag.key]}/{t.key[tag.key]})"
            )
            cells.append(
                f"{_ratio(t.right[tag.key], t.suggested[tag.key])} ({t.right[tag.key]}/"
                f"{t.suggested[tag.key]})"
            )
        lines.append(f"| {tag.key} | " + " | ".join(cells) + " |")
    if checks:
        lines += [
            "",
            "Seed examples: "
            + "; ".join(f"{name} {'found' if ok else 'MISSED'}" for name, ok in checks)
            + ".",
        ]
    return "\n".join(lines) + "\n"


def operating_points(pairs: list[Pair], budgets: tuple[int, ...]) -> str:
    """Return recall, precision and rate of both splits at other budgets (per 1,000 words)."""
    default = selection.PER_THOUSAND_WORDS
    lines = [
        "| budget per 1,000 words | dev recall | dev precision | dev per 1,000 words | "
        "test recall | test precision | test per 1,000 words |",
        "|---|---|---|---|---|---|---|",
    ]
    try:
        for budget in budgets:
            selection.PER_THOUSAND_WORDS = budget
            tallies = score(pairs)
            cells = []
            for split in ("dev", "test"):
                t = tallies[split]
                keys, found = sum(t.key.values()), sum(t.found.values())
                sugg, right = sum(t.suggested.values()), sum(t.right.values())
                cells += [_ratio(found, keys), _ratio(right, sugg), f"{1000 * sugg / t.words:.1f}"]
            shown = "none" if budget >= 1000 else str(budget)
            lines.append(
                f"| {shown}{' (default)' if budget == default else ''} | "
                + " | ".join(cells)
                + " |"
            )
    finally:
        selection.PER_THOUSAND_WORDS = default
    return "\n".join(lines) + "\n"


def main() -> None:
    """Score the suggester on the keys and print (or store) the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-readme", action="store_true")
    parser.add_argument("--details", action="store_true", help="list misses and extras")
    parser.add_argument("--split", choices=("dev", "test"), help="score one split only")
    args = parser.parse_args()
    pairs = load_pairs()
    counts = {s: sum(p.split == s for p in pairs) for s in ("dev", "test")}
    if args.split:
        pairs = [p for p in pairs if p.split == args.split]
    tallies = score(pairs, details=args.details)
    for split in ("dev", "test"):
        tallies.setdefault(
            split,
            Tally(
                defaultdict(int),
                defaultdict(int),
                defaultdict(int),
                defaultdict(int),
                words=1,
                characters=1,
            ),
        )
    text = table(tallies, seed_examples(pairs), counts)
    if not args.split:
        text += "\nOther budgets (the same detectors, more or fewer suggestions kept):\n\n"
        text += operating_points(pairs, (15, 25, 40, 1000))
    print(text)
    if args.write_readme:
        write_section(README, text, START, END)


if __name__ == "__main__":
    main()
