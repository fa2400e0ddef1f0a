"""False links between articles of the gold set that belong to different pairs.

    .venv/bin/python bench/unrelated_pairs.py [--split dev|test]

The gold set has only two pairs of articles about different events in each half, so the
false-link rate of such alignments rests on two numbers. Any two articles of *different*
gold pairs in one language (and one half) are about different stories too: this script
aligns every such couple as ``parallax align`` does and counts the sentence links made,
all of which are false. Most couples differ in topic as well, so this is the easier case;
the gold set's different-events pairs (two fires, two matches) stay the harder test.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for _path in (ROOT, BENCH):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import gold_set  # noqa: E402

from annotations import align_documents  # noqa: E402
from annotations import read_document  # noqa: E402


def main() -> int:
    """Align every couple of articles from different pairs and print the false-link rate."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--split", choices=gold_set.SPLITS, default="dev")
    args = parser.parse_args()
    articles = [
        (pair.id, doc.language, read_document(doc.path))
        for pair in gold_set.load_pairs(args.split)
        for doc in (pair.a, pair.b)
    ]
    alignments = links = with_links = 0
    by_language: Counter[str] = Counter()
    for (first, lang_a, a), (second, lang_b, b) in itertools.combinations(articles, 2):
        if first == second or lang_a != lang_b:
            continue
        made = sum(len(p.a_sentences) * len(p.b_sentences) for p in align_documents(a, b).pairs)
        alignments += 1
        links += made
        with_links += made > 0
        by_language[lang_a] += 1
    languages = ", ".join(f"{n} {lang}" for lang, n in sorted(by_language.items()))
    print(
        f"{args.split}: {alignments} alignments ({languages}); {links} false sentence links "
        f"in {with_links} of them; {links / max(alignments, 1):.3f} per alignment "
        "(target ≤ 0.1)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
