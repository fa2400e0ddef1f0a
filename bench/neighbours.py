"""What the neighbour-growing step of the aligner gives and costs.

Usage: ``python bench/neighbours.py [--sizes 500,2000]``

After pairs are selected, ``_extend`` adds a sentence next to one side of a kept pair when it
shares further rare terms with the other side (meant for one sentence that condenses two).
This script aligns with and without that step and counts the sentence pairs it adds:

- on the planted corpus of ``bench/corpus.py`` (B sentences that paraphrase one A sentence or
  condense two adjacent ones; every other pairing is false): added pairs that are planted
  (gain) and not planted (cost), and precision / recall of all sentence pairs on and off;
- on the seed pair: which sentence pairs it adds, shown for reading, and whether the
  expectations of ``tests/core/test_seed_alignment.py`` hold without it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from align import predicted_pairs  # noqa: E402
from align import spans  # noqa: E402
from corpus import make_corpus  # noqa: E402

from annotations.text import align  # noqa: E402
from annotations.text.ingest import read_document  # noqa: E402

SEEDS = (ROOT / "seeds" / "000_934de63c848709fa.txt", ROOT / "seeds" / "004_c1ee273f4eb3ca13.txt")


@contextmanager
def growing(enabled: bool) -> Iterator[None]:
    """Align with the neighbour-growing step on or off."""
    real = align._extend
    if not enabled:
        align._extend = lambda kept, weighed, floor, probabilities=None: kept  # type: ignore[assignment]
    try:
        yield
    finally:
        align._extend = real  # type: ignore[assignment]


def sentence_pairs(alignment: align.Alignment) -> set[tuple[int, int]]:
    return {(i, j) for p in alignment.pairs for i in p.a_sentences for j in p.b_sentences}


def corpus_rows(sizes: list[int], seed: int) -> list[str]:
    rows = [
        "| Sentences | pairs added by growing | of them planted (gain) | not planted (cost) "
        "| precision off → on | recall off → on |",
        "|---|---|---|---|---|---|",
    ]
    for n in sizes:
        corpus = make_corpus(n, seed=seed)
        a, b = spans(corpus.a_sentences), spans(corpus.b_sentences)
        planted = set(corpus.planted)
        found = {}
        for enabled in (False, True):
            with growing(enabled):
                result = align.align_sentences(corpus.a_text, a, corpus.b_text, b)
            found[enabled] = predicted_pairs(result, a, b)
        added = found[True] - found[False]
        gain = len(added & planted)
        stats = []
        for enabled in (False, True):
            hit = len(found[enabled] & planted)
            stats.append((hit / max(len(found[enabled]), 1), hit / len(planted)))
        rows.append(
            f"| {n} × {n} | {len(added)} | {gain} | {len(added) - gain} "
            f"| {stats[0][0]:.1%} → {stats[1][0]:.1%} | {stats[0][1]:.1%} → {stats[1][1]:.1%} |"
        )
    return rows


def seed_rows() -> list[str]:
    a, b = (read_document(path) for path in SEEDS)
    found = {}
    for enabled in (False, True):
        with growing(enabled):
            found[enabled] = sentence_pairs(align.align_documents(a, b))
    sa, sb = align.aligned_sentences(a), align.aligned_sentences(b)
    rows = [
        f"Seed pair: {len(found[False])} sentence pairs without growing, {len(found[True])} with."
    ]
    for i, j in sorted(found[True] - found[False]):
        rows.append(f"- added: A “{sa[i].slice(a.text)[:90]}” ↔ B “{sb[j].slice(b.text)[:90]}”")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,2000")
    parser.add_argument("--seed", type=int, default=20251025)
    args = parser.parse_args()
    lines = corpus_rows([int(s) for s in args.sizes.split(",")], args.seed)
    lines += ["", *seed_rows()]
    print("\n".join(lines))
    # The seed expectations without the step, in a fresh interpreter with it disabled.
    tests = ROOT / "tests" / "core" / "test_seed_alignment.py"
    check = (
        f"import sys; sys.path[:0] = [{str(ROOT)!r}]; from annotations.text import align; "
        "align._extend = lambda kept, weighed, floor, probabilities=None: kept; import pytest; "
        f"sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', {str(tests)!r}]))"
    )
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    print("\nSeed expectations without growing:", done.stdout.strip().splitlines()[-1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
