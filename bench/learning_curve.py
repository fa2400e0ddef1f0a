"""How much do suggestions gain from what a person accepted? Recall after 0, 5, 10, 20 tags.

A person accepts N tags of the dev half of the framing keys (bench/framing/), taken one
pair at a time in turn (each pair's spans in key order), as they would while working
through earlier comparisons; then the test half, later comparisons tagged with the same
set, gets the rule suggestions merged with the learned ones (as the web app merges them).
Reported per N: right-tag recall of the test keys' spans, precision, suggestions per 1,000
words, with the matching rule of bench/suggest_quality.py (same article, same tag, overlap
of at least half the shorter span).

    .venv/bin/python bench/learning_curve.py [--write-readme]

:func:`learning_curve` is the function a scorer calls with its own pairs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from suggest_quality import Pair  # noqa: E402
from suggest_quality import finds  # noqa: E402
from suggest_quality import load_pairs  # noqa: E402
from timing import write_section  # noqa: E402

from annotations.framing.learning import PastTag  # noqa: E402
from annotations.framing.learning import drop_settled  # noqa: E402
from annotations.framing.learning import merge_suggestions  # noqa: E402
from annotations.framing.learning import suggest_learned  # noqa: E402
from annotations.framing.suggest import suggest  # noqa: E402
from annotations.framing.taxonomy import MEDIA_LITERACY  # noqa: E402
from annotations.framing.taxonomy import TagSet  # noqa: E402
from annotations.records import Document  # noqa: E402
from annotations.records import Suggestion  # noqa: E402
from annotations.text.align import align_documents  # noqa: E402

README = ROOT / "bench" / "README.md"
START, END = "<!-- learning-curve:start -->", "<!-- learning-curve:end -->"
STEPS = (0, 5, 10, 20)

Rules = Callable[[Sequence[Document], TagSet], list[Suggestion]]


@dataclass(frozen=True)
class CurvePoint:
    """Quality of the suggestions on the evaluated pairs after ``accepted`` accepted tags."""

    accepted: int
    found: int
    key_spans: int
    correct: int
    suggestions: int
    words: int

    @property
    def recall(self) -> float:
        """Return the share of key spans a suggestion with their tag finds."""
        return self.found / self.key_spans if self.key_spans else 0.0

    @property
    def precision(self) -> float:
        """Return the share of suggestions that find a key span with their tag."""
        return self.correct / self.suggestions if self.suggestions else 0.0

    @property
    def per_1000_words(self) -> float:
        """Return the suggestions per 1,000 words of the evaluated articles."""
        return 1000 * self.suggestions / self.words if self.words else 0.0


def accepted_tags(pairs: Iterable[Pair]) -> list[PastTag]:
    """Return the key spans of ``pairs`` as accepted tags, one pair at a time in turn."""
    per_pair = [
        [PastTag(span.quote, span.tag, "accepted", where=f"'{pair.id}'") for span in pair.spans]
        for pair in sorted(pairs, key=lambda pair: pair.id)
    ]
    return [tag for row in zip_longest(*per_pair) for tag in row if tag is not None]


def _rules(documents: Sequence[Document], tag_set: TagSet) -> list[Suggestion]:
    alignment = align_documents(documents[0], documents[1]) if len(documents) == 2 else None
    return list(suggest(documents, tag_set, alignment=alignment))


def learning_curve(
    learn_from: Sequence[PastTag],
    pairs: Sequence[Pair],
    *,
    steps: Sequence[int] = STEPS,
    tag_set: TagSet = MEDIA_LITERACY,
    rules: Rules | None = _rules,
) -> list[CurvePoint]:
    """Return, for each N in ``steps``, the quality on ``pairs`` after the first N tags.

    ``learn_from`` is the order in which the person accepted tags (see
    :func:`accepted_tags`); ``rules`` the rule suggester (None: learned suggestions only).
    """
    base = {pair.id: rules(pair.documents, tag_set) if rules else [] for pair in pairs}
    words = sum(len(document.text.split()) for pair in pairs for document in pair.documents)
    points = []
    for step in steps:
        past = list(learn_from[:step])
        found = correct = made = total = 0
        for pair in pairs:
            learned = suggest_learned(pair.documents, tag_set, past) if past else []
            merged = merge_suggestions([*base[pair.id], *learned])
            made += len(merged)
            total += len(pair.spans)
            found += sum(any(finds(s, span) for s in merged) for span in pair.spans)
            correct += sum(any(finds(s, span) for span in pair.spans) for s in merged)
        points.append(CurvePoint(step, found, total, correct, made, words))
    return points


def learning_curve_within(
    pairs: Sequence[Pair],
    *,
    steps: Sequence[int] = STEPS,
    tag_set: TagSet = MEDIA_LITERACY,
    rules: Rules | None = _rules,
) -> list[CurvePoint]:
    """Return the curve when the N accepted tags are in the evaluated pairs themselves.

    The person accepts key spans of the pairs (one pair at a time in turn, each in key
    order); recall and precision count only the key spans not accepted yet, and suggestions
    on an accepted span are dropped (the app does not propose what is tagged).
    """
    base = {pair.id: rules(pair.documents, tag_set) if rules else [] for pair in pairs}
    words = sum(len(document.text.split()) for pair in pairs for document in pair.documents)
    # One pair at a time in turn, each pair's spans in key order.
    columns = [[(pair.id, index) for index in range(len(pair.spans))] for pair in pairs]
    order = [item for row in zip_longest(*columns) for item in row if item is not None]
    points = []
    for step in steps:
        chosen = set(order[:step])
        found = correct = made = total = 0
        for pair in pairs:
            mine = [span for i, span in enumerate(pair.spans) if (pair.id, i) in chosen]
            rest = [span for i, span in enumerate(pair.spans) if (pair.id, i) not in chosen]
            past = [
                PastTag(s.quote, s.tag, "accepted", document=s.document, start=s.start, end=s.end)
                for s in mine
            ]
            learned = suggest_learned(pair.documents, tag_set, past) if past else []
            merged = drop_settled(merge_suggestions([*base[pair.id], *learned]), past)
            made += len(merged)
            total += len(rest)
            found += sum(any(finds(s, span) for s in merged) for span in rest)
            correct += sum(any(finds(s, span) for span in rest) for s in merged)
        points.append(CurvePoint(step, found, total, correct, made, words))
    return points


def table(points: Sequence[CurvePoint], heading: str) -> str:
    """Return the curve as a Markdown table under ``heading``."""
    lines = [
        heading,
        "",
        "| accepted tags | right-tag recall | precision | suggestions / 1,000 words |",
        "|---|---|---|---|",
    ]
    for point in points:
        lines.append(
            f"| {point.accepted} | {point.recall:.2f} ({point.found}/{point.key_spans}) "
            f"| {point.precision:.2f} ({point.correct}/{point.suggestions}) "
            f"| {point.per_1000_words:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Print the learning curve; with --write-readme, put it into bench/README.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args()
    pairs = load_pairs()
    dev = [pair for pair in pairs if pair.split == "dev"]
    test = [pair for pair in pairs if pair.split == "test"]
    later = learning_curve(accepted_tags(dev), test)
    within = learning_curve_within(test)
    text = "\n\n".join(
        [
            table(
                later,
                f"Accepted tags from the dev half ({len(dev)} pairs), scored on the test half "
                f"({len(test)} pairs), rule and learned suggestions merged:",
            ),
            table(
                within,
                "Accepted tags in the test pairs themselves, scored on their key spans not "
                "accepted yet:",
            ),
        ]
    )
    print(text)
    if args.write_readme:
        write_section(README, text, START, END)


if __name__ == "__main__":
    main()
