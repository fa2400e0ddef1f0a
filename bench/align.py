"""Benchmark sentence alignment: speed, memory, and how many planted pairs it finds.

For each size N, bench/corpus.py writes two news-like documents of N sentences in which a
known share of B's sentences paraphrase A sentences (some condense two). The script times
``annotations.text.align.align_sentences`` (median of warm runs), measures its peak memory, and
counts the planted pairs it finds, next to a naive all-pairs ``difflib`` aligner and an
exhaustive word-set reference. It also times the seed pair end to end.

    .venv/bin/python bench/align.py --sizes 50,500,2000,5000 --repeats 5 --write-readme
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import difflib
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from corpus import Corpus  # noqa: E402
from corpus import content_words  # noqa: E402
from corpus import make_corpus  # noqa: E402
from timing import load  # noqa: E402
from timing import runs  # noqa: E402
from timing import spread  # noqa: E402
from timing import write_section  # noqa: E402

from annotations.records import Alignment  # noqa: E402
from annotations.records import Span  # noqa: E402

README = Path(__file__).resolve().parent / "README.md"
SEEDS = (ROOT / "seeds" / "000_934de63c848709fa.txt", ROOT / "seeds" / "004_c1ee273f4eb3ca13.txt")
START_MARKER = "<!-- align-results:start -->"
END_MARKER = "<!-- align-results:end -->"

BASELINE_CUTOFF = 0.5
"""difflib ratio at or above which the naive baseline pairs two sentences."""
REFERENCE_CUTOFF = 0.4
"""Jaccard of content-word sets at or above which the exhaustive reference pairs sentences."""

MIB = 1024 * 1024
TIME_TARGETS = {500: 0.05, 2000: 0.5, 5000: 2.0}
SEED_TARGET = 0.05
MEMORY_TARGET_MIB = 300
KEPT_TARGET = 0.97

Pair = tuple[int, int]


@dataclass(frozen=True)
class SizeResult:
    """Everything measured for one document size."""

    n: int
    planted: int
    merged: int
    warm_median: float
    warm_times: tuple[float, ...]
    warm_runs: int
    first_run: float
    tracemalloc_peak: int
    rss_growth: int | None
    found: int
    predicted_sentence_pairs: int
    predicted_true: int
    passage_pairs: int
    unplanted_paired: int
    unplanted: int
    baseline_seconds: float
    baseline_extrapolated: bool
    baseline_found: int | None
    baseline_predicted: int | None
    reference_found: int
    reference_seconds: float
    kept_of_reference: int


# --- aligners -------------------------------------------------------------------------


def spans(corpus_spans: Sequence[tuple[int, int]]) -> list[Span]:
    """Turn (start, end) tuples into Spans."""
    return [Span(start, end) for start, end in corpus_spans]


def run_align(corpus: Corpus, a: Sequence[Span], b: Sequence[Span]) -> Alignment:
    """Align the two documents of ``corpus`` with the production aligner."""
    from annotations.text.align import align_sentences

    return align_sentences(corpus.a_text, a, corpus.b_text, b)


def predicted_pairs(alignment: Alignment, a: Sequence[Span], b: Sequence[Span]) -> set[Pair]:
    """Expand passage pairs to the sentence pairs whose spans their spans overlap."""
    a_starts = [s.start for s in a]
    b_starts = [s.start for s in b]

    def covered(span: Span, sentences: Sequence[Span], starts: list[int]) -> range:
        first = max(0, bisect.bisect_right(starts, span.start) - 1)
        if sentences and sentences[first].end <= span.start:
            first += 1
        last = bisect.bisect_left(starts, span.end)
        return range(first, last)

    out: set[Pair] = set()
    for pair in alignment.pairs:
        for i in covered(pair.a, a, a_starts):
            for j in covered(pair.b, b, b_starts):
                out.add((i, j))
    return out


def best_per_sentence(scores: Callable[[], Any], n_a: int, n_b: int, cutoff: float) -> set[Pair]:
    """Keep, for every sentence on either side, its best partner if it reaches ``cutoff``.

    ``scores`` yields (i, row) with ``row[j]`` the score of A sentence i against B sentence j.
    """
    best_b_score = np.full(n_b, -1.0)
    best_b_index = np.full(n_b, -1)
    pairs: set[Pair] = set()
    for i, row in scores():
        j = int(np.argmax(row))
        if row[j] >= cutoff:
            pairs.add((i, j))
        better = row > best_b_score
        best_b_score[better] = row[better]
        best_b_index[better] = i
    for j in range(n_b):
        if best_b_score[j] >= cutoff:
            pairs.add((int(best_b_index[j]), j))
    return pairs


def difflib_align(a: Sequence[str], b: Sequence[str]) -> set[Pair]:
    """Pair sentences naively: difflib ratio over all pairs, best partner per sentence."""
    matcher = difflib.SequenceMatcher()
    ratios = np.zeros((len(a), len(b)))
    # SequenceMatcher caches facts about its second sequence, so B goes there once per row.
    for j, b_sentence in enumerate(b):
        matcher.set_seq2(b_sentence)
        for i, a_sentence in enumerate(a):
            matcher.set_seq1(a_sentence)
            ratios[i, j] = matcher.ratio()

    def rows() -> Any:
        return enumerate(ratios)

    return best_per_sentence(rows, len(a), len(b), BASELINE_CUTOFF)


def reference_align(a: Sequence[str], b: Sequence[str]) -> set[Pair]:
    """Pair sentences by exact Jaccard of content-word sets over all A x B pairs.

    An inverted index gives every pair's intersection size in one pass per A sentence;
    pairs that share no word score 0, so no pair is skipped.
    """
    a_sets = [content_words(s) for s in a]
    b_sets = [content_words(s) for s in b]
    postings: dict[str, list[int]] = {}
    for j, words in enumerate(b_sets):
        for word in words:
            postings.setdefault(word, []).append(j)
    index = {word: np.array(js, dtype=np.int64) for word, js in postings.items()}
    b_sizes = np.array([len(s) for s in b_sets], dtype=np.float64)

    def rows() -> Any:
        for i, words in enumerate(a_sets):
            hits = [index[w] for w in words if w in index]
            if not hits:
                yield i, np.zeros(len(b_sets))
                continue
            shared = np.bincount(np.concatenate(hits), minlength=len(b_sets)).astype(np.float64)
            union = len(words) + b_sizes - shared
            yield i, np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)

    return best_per_sentence(rows, len(a), len(b), REFERENCE_CUTOFF)


# --- measurements ---------------------------------------------------------------------


def measure_size(
    n: int, *, seed: int, repeats: int, baseline_max: int, baseline_rate: list[float]
) -> SizeResult:
    """Measure the aligner, the baseline and the reference on documents of ``n`` sentences."""
    corpus = make_corpus(n, seed=seed)
    a, b = spans(corpus.a_sentences), spans(corpus.b_sentences)
    a_texts = [corpus.a_sentence(i) for i in range(n)]
    b_texts = [corpus.b_sentence(j) for j in range(n)]
    planted = set(corpus.planted)

    start = time.perf_counter()
    alignment = run_align(corpus, a, b)
    first_run = time.perf_counter() - start
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        alignment = run_align(corpus, a, b)
        times.append(time.perf_counter() - start)

    gc.collect()
    tracemalloc.start()
    run_align(corpus, a, b)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    predicted = predicted_pairs(alignment, a, b)
    found = planted & predicted

    if n <= baseline_max:
        start = time.perf_counter()
        baseline = difflib_align(a_texts, b_texts)
        baseline_seconds = time.perf_counter() - start
        baseline_rate.append(n * n / baseline_seconds)
        baseline_found: int | None = len(planted & baseline)
        baseline_predicted: int | None = len(baseline)
    else:
        if not baseline_rate:
            baseline_rate.append(calibrate_baseline(a_texts, b_texts))
        baseline_seconds = n * n / baseline_rate[-1]
        baseline_found = baseline_predicted = None

    start = time.perf_counter()
    reference = planted & reference_align(a_texts, b_texts)
    reference_seconds = time.perf_counter() - start

    return SizeResult(
        n=n,
        planted=len(planted),
        merged=corpus.merged,
        warm_median=statistics.median(times),
        warm_times=tuple(times),
        warm_runs=len(times),
        first_run=first_run,
        tracemalloc_peak=peak,
        rss_growth=rss_probe(n, seed),
        found=len(found),
        predicted_sentence_pairs=len(predicted),
        predicted_true=len(predicted & planted),
        passage_pairs=len(alignment.pairs),
        unplanted_paired=len({i for i, _ in predicted} - {i for i, _ in planted})
        + len({j for _, j in predicted} - {j for _, j in planted}),
        unplanted=2 * n - len({i for i, _ in planted}) - len({j for _, j in planted}),
        baseline_seconds=baseline_seconds,
        baseline_extrapolated=n > baseline_max,
        baseline_found=baseline_found,
        baseline_predicted=baseline_predicted,
        reference_found=len(reference),
        reference_seconds=reference_seconds,
        kept_of_reference=len(reference & predicted),
    )


def calibrate_baseline(a: Sequence[str], b: Sequence[str]) -> float:
    """Return difflib baseline pairs per second, measured on 200 x 200 sentences."""
    k = min(200, len(a), len(b))
    start = time.perf_counter()
    difflib_align(a[:k], b[:k])
    return k * k / (time.perf_counter() - start)


def rss_probe(n: int, seed: int) -> int | None:
    """Return the RSS growth in bytes of one alignment, measured in a fresh interpreter."""
    command = [sys.executable, __file__, "--rss-probe", str(n), "--seed", str(seed)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=600)
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"  RSS probe for {n} failed: {exc}", file=sys.stderr)
        return None
    return int(json.loads(done.stdout.strip().splitlines()[-1])["rss_growth"])


def current_rss() -> int:
    """Return this process's resident set size in bytes (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_rss() -> int:
    """Return this process's peak resident set size in bytes.

    ``getrusage`` also reports the RSS the parent had when it forked this process (the
    kernel carries it over exec), so on Linux the per-process VmHWM is read instead.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def reset_peak_rss() -> None:
    """Reset the kernel's peak-RSS mark of this process, so the peak is measured from now."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        pass  # not Linux, or not allowed: the growth is then measured from the old peak


def run_rss_probe(n: int, seed: int) -> None:
    """Print the peak RSS growth of aligning documents of ``n`` sentences (child process)."""
    corpus = make_corpus(n, seed=seed)
    a, b = spans(corpus.a_sentences), spans(corpus.b_sentences)
    # A tiny alignment first loads the word-frequency table and other one-time caches.
    tiny = make_corpus(20, seed=seed)
    run_align(tiny, spans(tiny.a_sentences), spans(tiny.b_sentences))
    gc.collect()
    reset_peak_rss()
    before = max(current_rss(), peak_rss())
    run_align(corpus, a, b)
    print(json.dumps({"rss_growth": max(0, peak_rss() - before)}))


# Runs in a fresh interpreter that has imported nothing, so imports and the first run are
# really cold.
SEED_PROBE = """
import json, statistics, sys, time
sys.path.insert(0, {root!r})
def rss():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * __import__("os").sysconf("SC_PAGE_SIZE")
rss_start = rss()
def peak():
    with open("/proc/self/status") as status:
        return next(int(x.split()[1]) * 1024 for x in status if x.startswith("VmHWM:"))
start = time.perf_counter()
from annotations.text.align import align_documents
from annotations.text.ingest import read_document
import_seconds = time.perf_counter() - start
def once():
    t0 = time.perf_counter()
    a = read_document({a!r})
    b = read_document({b!r})
    t1 = time.perf_counter()
    alignment = align_documents(a, b)
    return t1 - t0, time.perf_counter() - t1, alignment
read_cold, align_cold, alignment = once()
rss_cold = peak()
runs = [once() for _ in range({warm})]
print(json.dumps({{
    "import": import_seconds,
    "cold_read": read_cold,
    "cold_align": align_cold,
    "warm_total": statistics.median(r + s for r, s, _ in runs),
    "warm_read": statistics.median(r for r, _, _ in runs),
    "warm_align": statistics.median(s for _, s, _ in runs),
    "warm_runs": {warm},
    "warm_totals": [r + s for r, s, _ in runs],
    "pairs": len(alignment.pairs),
    "only_a": len(alignment.only_a),
    "only_b": len(alignment.only_b),
    "cold_rss_growth": max(0, rss_cold - rss_start),
}}))
"""


def measure_seed(warm: int = 20, cold_runs: int = 5) -> dict[str, Any]:
    """Run the seed probe in ``cold_runs`` fresh interpreters, so each first run is cold.

    Returns the first probe's figures with every probe's cold time (``cold_totals``) and all
    their warm runs (``warm_totals``) added.
    """
    code = SEED_PROBE.format(root=str(ROOT), a=str(SEEDS[0]), b=str(SEEDS[1]), warm=warm)
    command = [sys.executable, "-c", code]
    probes = []
    for _ in range(cold_runs):
        done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=600)
        probes.append(json.loads(done.stdout.strip().splitlines()[-1]))
    result: dict[str, Any] = dict(probes[0])
    result["cold_totals"] = [probe["cold_read"] + probe["cold_align"] for probe in probes]
    result["imports"] = [probe["import"] for probe in probes]
    result["warm_totals"] = [value for probe in probes for value in probe["warm_totals"]]
    return result


# --- report ---------------------------------------------------------------------------


def seconds(value: float) -> str:
    """Format a duration for the table."""
    if value < 1:
        return f"{value * 1000:.1f} ms"
    if value < 120:
        return f"{value:.2f} s"
    if value < 7200:
        return f"{value / 60:.1f} min"
    return f"{value / 3600:.1f} h"


def mib(value: int | None) -> str:
    """Format a byte count in MiB for the table."""
    return "—" if value is None else f"{value / MIB:.1f} MiB"


def share(part: int, whole: int) -> str:
    """Format ``part / whole`` as a percentage with the counts."""
    if whole == 0:
        return "—"
    return f"{100 * part / whole:.1f}% ({part}/{whole})"


def mark(ok: bool) -> str:
    """Return a check mark or a cross."""
    return "✓" if ok else "✗"


def machine() -> str:
    """Describe the machine and the run in one line."""
    return (
        f"Machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), "
        f"Python {platform.python_version()}, {platform.system()} {platform.machine()}; "
        f"run {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}; {load()} after it."
    )


def report(results: Sequence[SizeResult], seed_result: dict[str, Any] | None, args: Any) -> str:
    """Return the results as Markdown tables.

    A target is judged twice, cold and warm: the first alignment in a fresh process (what
    the first visitor after a restart waits for) and the median of warm runs.
    """
    lines = [machine(), ""]
    lines.append(
        f"Corpus seed {args.seed}; align_sentences timed as the median of {args.repeats} warm "
        f"runs after one untimed run; difflib baseline run once up to {args.baseline_max} "
        "sentences, above that extrapolated from its measured pairs per second."
    )
    lines.append("")
    if seed_result is not None:
        cold = statistics.median(seed_result["cold_totals"])
        warm = statistics.median(seed_result["warm_totals"])
        lines += [
            "| Seed pair (file → segmentation → alignment) | time: median (min–max, runs) "
            "| target |",
            "|---|---|---|",
            f"| imports (annotations.text.align, annotations.text.ingest) | "
            f"{spread(seed_result['imports'], seconds)} | |",
            f"| **cold**: first run in a fresh interpreter (read + segment + align) | "
            f"{spread(seed_result['cold_totals'], seconds)} "
            f"| < 50 ms {mark(cold < SEED_TARGET)} |",
            f"| **warm**: later runs in those interpreters | "
            f"{spread(seed_result['warm_totals'], seconds)} "
            f"| < 50 ms {mark(warm < SEED_TARGET)} |",
            "",
            f"Seed alignment: {seed_result['pairs']} passage pairs, {seed_result['only_a']} "
            f"sentences only in A, {seed_result['only_b']} only in B; the first run grows RSS "
            f"by {mib(seed_result['cold_rss_growth'])} (imports and one-time tables).",
            "",
        ]
    lines += [
        "| Sentences (A × B) | align_sentences, warm: median (min–max, runs) "
        "| first run at this size | target: first / warm "
        "| tracemalloc peak | RSS growth | difflib all-pairs baseline |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        target = TIME_TARGETS.get(r.n)
        target_cell = ""
        if target:
            target_cell = (
                f"< {seconds(target)}: {mark(r.first_run < target)} / "
                f"{mark(r.warm_median < target)}"
            )
        base = seconds(r.baseline_seconds)
        if r.baseline_extrapolated:
            base = f"≈ {base} (extrapolated)"
        lines.append(
            f"| {r.n} × {r.n} | {spread(r.warm_times, seconds)} | {seconds(r.first_run)} "
            f"| {target_cell} | {mib(r.tracemalloc_peak)} | {mib(r.rss_growth)} | {base} |"
        )
    lines += [
        "",
        "| Sentences | planted pairs (in 2:1 merges) | found by align_sentences "
        "| precision of its sentence pairs | unplanted sentences it pairs "
        "| found by difflib baseline | difflib precision | exhaustive reference finds "
        "| kept of reference (≥ 97%) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        kept_ok = r.reference_found == 0 or r.kept_of_reference / r.reference_found >= KEPT_TARGET
        base_found = "—" if r.baseline_found is None else share(r.baseline_found, r.planted)
        base_precision = "—"
        if r.baseline_predicted is not None and r.baseline_found is not None:
            base_precision = share(r.baseline_found, r.baseline_predicted)
        lines.append(
            f"| {r.n} | {r.planted} ({2 * r.merged}) | {share(r.found, r.planted)} "
            f"| {share(r.predicted_true, r.predicted_sentence_pairs)} "
            f"| {share(r.unplanted_paired, r.unplanted)} | {base_found} "
            f"| {base_precision} | {share(r.reference_found, r.planted)} "
            f"| {share(r.kept_of_reference, r.reference_found)} {mark(kept_ok)} |"
        )
    peak = max([r.tracemalloc_peak for r in results] + [r.rss_growth or 0 for r in results])
    lines += [
        "",
        f"Peak memory (largest of tracemalloc peak and RSS growth): {mib(peak)}, "
        f"target < {MEMORY_TARGET_MIB} MiB {mark(peak < MEMORY_TARGET_MIB * MIB)}.",
    ]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,500,2000,5000", help="sentences per document")
    parser.add_argument("--repeats", type=runs, default=5, help="timed warm runs per size (≥ 5)")
    parser.add_argument(
        "--cold-runs", type=runs, default=5, help="fresh interpreters for the seed pair (≥ 5)"
    )
    parser.add_argument("--baseline-max", type=int, default=500, help="largest size to run difflib")
    parser.add_argument("--seed", type=int, default=20251025, help="corpus random seed")
    parser.add_argument("--no-seed-pair", action="store_true", help="skip the seed articles")
    parser.add_argument("--write-readme", action="store_true", help="update bench/README.md")
    parser.add_argument("--rss-probe", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print (and optionally store) the results."""
    args = parse_args(argv)
    if args.rss_probe is not None:
        run_rss_probe(args.rss_probe, args.seed)
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    seed_result = None
    if not args.no_seed_pair:
        print("seed pair ...", flush=True)
        seed_result = measure_seed(cold_runs=args.cold_runs)
    results: list[SizeResult] = []
    baseline_rate: list[float] = []
    for n in sizes:
        print(f"{n} x {n} sentences ...", flush=True)
        started = time.perf_counter()
        results.append(
            measure_size(
                n,
                seed=args.seed,
                repeats=args.repeats,
                baseline_max=args.baseline_max,
                baseline_rate=baseline_rate,
            )
        )
        print(f"  done in {seconds(time.perf_counter() - started)}", flush=True)
    section = report(results, seed_result, args)
    print()
    print(section)
    if args.write_readme:
        write_section(README, section, START_MARKER, END_MARKER)
        print(f"\nwrote {README.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
