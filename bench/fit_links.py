"""Fit the weights of the link model (annotations/text/linking.py) on the gold set's dev half.

    .venv/bin/python bench/fit_links.py [--l2 1.0]

Every dev pair is read as ``parallax align`` reads it, and its eligible candidate sentence
pairs get the engine's own features (``align._score``). A candidate is a positive when the
units it covers hold a ``sure`` gold link, is left out when they hold only a ``possible``
one, and is a negative otherwise. The weights come from L2-regularised logistic regression
(Newton's method on standardised features, turned back into raw units); the script prints
them as Python to paste into ``linking.py``, and a leave-one-pair-out check: each dev pair
predicted by a model fitted on the others, counted at several probability cut-offs. The
test half is never read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for _path in (ROOT, BENCH):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import gold_set  # noqa: E402

from annotations import read_document  # noqa: E402
from annotations.text import align  # noqa: E402
from annotations.text.languages import detect_language  # noqa: E402
from annotations.text.linking import FEATURES  # noqa: E402


def pair_data(pair: gold_set.GoldPair) -> tuple[np.ndarray, np.ndarray, int]:
    """Return the features and labels (1, 0, or -1 for possible) of a pair's candidates."""
    docs = [read_document(doc.path) for doc in (pair.a, pair.b)]
    spans = [align.aligned_sentences(d) for d in docs]
    scored = align._score(
        docs[0].text,
        spans[0],
        docs[1].text,
        spans[1],
        threshold=align.DEFAULT_THRESHOLD,
        near_best=align.DEFAULT_NEAR_BEST,
        languages=(detect_language(docs[0].text), detect_language(docs[1].text)),
    )
    units = [
        [tuple(u.index for u in gold_set.units_in(doc, s.start, s.end)) for s in sentences]
        for doc, sentences in zip((pair.a, pair.b), spans, strict=True)
    ]
    sure, maybe = pair.sentence_links("sure"), pair.sentence_links("possible")
    labels = []
    for i, j in zip(scored.eligible.rows.tolist(), scored.eligible.cols.tolist(), strict=True):
        links = {(x, y) for x in units[0][i] for y in units[1][j]}
        labels.append(1 if links & sure else (-1 if links & maybe else 0))
    return scored.features, np.array(labels), len(sure)


def fit(x: np.ndarray, y: np.ndarray, l2: float) -> tuple[np.ndarray, float]:
    """Return raw-unit weights and intercept of an L2-regularised logistic regression."""
    mu, sd = x.mean(axis=0), x.std(axis=0)
    sd[sd == 0] = 1.0
    z = np.hstack([(x - mu) / sd, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-z @ w))
        gradient = z.T @ (p - y) + penalty * w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    raw = w[:-1] / sd
    return raw, float(w[-1] - (raw * mu).sum())


def main() -> int:
    """Fit on dev, print the weights and the leave-one-pair-out counts."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--l2", type=float, default=1.0, help="L2 penalty (standardised units)")
    args = parser.parse_args()
    pairs = gold_set.load_pairs("dev")
    data = {p.id: pair_data(p) for p in pairs}
    x = np.vstack([data[p.id][0] for p in pairs])
    y = np.concatenate([data[p.id][1] for p in pairs])
    group = np.concatenate([[p.id] * len(data[p.id][1]) for p in pairs])
    scored = y >= 0
    x, y, group = x[scored], y[scored].astype(float), group[scored]
    weights, intercept = fit(x, y, args.l2)
    print(f"# {len(y)} dev candidates, {int(y.sum())} positive; L2 {args.l2:g}")
    print("_WEIGHTS = np.array(\n    [")
    for name, weight in zip(FEATURES, weights, strict=True):
        print(f"        {weight:.4f},  # {name}")
    print("    ],")
    print("    dtype=np.float64,")
    print(")")
    print(f"_INTERCEPT = {intercept:.4f}")
    print("# " + ", ".join(f"{n} {w:+.3f}" for n, w in zip(FEATURES, weights, strict=True)))
    held = np.zeros(len(y))
    for pid in dict.fromkeys(group):
        out = group == pid
        w, b = fit(x[~out], y[~out], args.l2)
        held[out] = 1.0 / (1.0 + np.exp(-(x[out] @ w + b)))
    print("\nLeave one pair out (candidate sentence pairs):")
    print("| cut-off | kept | positive | negative | precision |")
    print("|---:|---:|---:|---:|---:|")
    for cut in np.arange(0.3, 0.91, 0.05):
        kept = held >= cut
        hit = int((kept & (y == 1)).sum())
        total = int(kept.sum())
        print(f"| {cut:.2f} | {total} | {hit} | {total - hit} | {hit / max(total, 1):.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
