"""Time ``parallax align`` end to end, as a user runs it, against all-pairs difflib.

Usage: ``python bench/align_command.py [--sizes 2000,5000] [--repeats 3] [--write-readme]``

For each size N, ``bench/corpus.py`` writes two news-like files of N sentences; the script
runs ``parallax align --json A B`` in a subprocess under ``/usr/bin/time`` (wall clock, CPU
and peak RSS of the whole command: start-up, reading, segmentation, alignment, JSON) and
takes the median of ``--repeats`` runs. It also times ``parallax --help``, the empty
command, which pays the same start-up (Python, the CLI and the web app it is part of), and
reports the command's time minus that start-up.

The baseline is all-pairs ``difflib.SequenceMatcher.ratio`` over the same two files' sentences,
measured in the same run on a random sample of sentence pairs (``--baseline-pairs``) and
scaled to all N × N pairs (its cost per pair does not depend on N; running it in full takes
about 20 minutes at 2,000 and 2 hours at 5,000 sentences). The speed-up is the baseline's
time over the command's. The machine is shared: the load average at the start of each size
is reported, and CPU seconds are less sensitive to it than wall seconds.
"""

from __future__ import annotations

import argparse
import difflib
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from align import machine  # noqa: E402
from align import write_readme  # noqa: E402
from corpus import make_corpus  # noqa: E402

START_MARKER = "<!-- align-command:start -->"
END_MARKER = "<!-- align-command:end -->"
TARGETS = {2000: (1.0, 2000.0), 5000: (3.0, None)}
"""Size: (wall seconds, minimum speed-up over difflib)."""
MEMORY_TARGET_MIB = 300


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_kib: int


def parallax_command() -> list[str]:
    """Return the ``parallax`` console script of this environment."""
    script = Path(sys.executable).with_name("parallax")
    if script.exists():
        return [str(script)]
    found = shutil.which("parallax")
    if found is None:
        raise SystemExit("the parallax command is not installed (pip install -e .)")
    return [found]


def timed(command: list[str]) -> Run:
    """Run ``command`` under /usr/bin/time; return its wall and CPU seconds and peak RSS."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        subprocess.run(
            ["/usr/bin/time", "-o", report.name, "-f", "%e %U %S %M", *command],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
            timeout=600,
        )
        wall, user, system, peak = report.read().split()[-4:]
    return Run(float(wall), float(user) + float(system), int(peak))


def difflib_seconds(a: list[str], b: list[str], samples: int, seed: int) -> tuple[float, float]:
    """Return the estimated wall and CPU time of difflib's ratio over all pairs of a and b."""
    rng = random.Random(seed)
    pairs = [(rng.randrange(len(a)), rng.randrange(len(b))) for _ in range(samples)]
    matcher = difflib.SequenceMatcher()
    started, cpu = time.perf_counter(), time.process_time()
    for i, j in pairs:
        matcher.set_seqs(a[i], b[j])
        matcher.ratio()
    scale = len(a) * len(b) / samples
    return (time.perf_counter() - started) * scale, (time.process_time() - cpu) * scale


def paired_runs(command: list[str], startup: list[str], repeats: int) -> tuple[Run, Run, Run]:
    """Run the start-up and the command alternately; return both medians and the net one.

    The net run is the median of each command run minus the start-up run just before it,
    so a change of load during the benchmark hits both sides of each difference.
    """
    pairs = [(timed(startup), timed(command)) for _ in range(repeats)]
    empty = [e for e, _ in pairs]
    full = [f for _, f in pairs]

    def median(runs: list[Run]) -> Run:
        return Run(
            statistics.median(r.wall for r in runs),
            statistics.median(r.cpu for r in runs),
            max(r.peak_kib for r in runs),
        )

    net = Run(
        statistics.median(f.wall - e.wall for e, f in pairs),
        statistics.median(f.cpu - e.cpu for e, f in pairs),
        0,
    )
    return median(empty), median(full), net


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,5000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--baseline-pairs", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=20251025)
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args(argv)
    parallax = parallax_command()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for n in [int(s) for s in args.sizes.split(",")]:
            corpus = make_corpus(n, seed=args.seed)
            path_a, path_b = Path(folder, f"a{n}.txt"), Path(folder, f"b{n}.txt")
            path_a.write_text(corpus.a_text, encoding="utf-8")
            path_b.write_text(corpus.b_text, encoding="utf-8")
            load = os.getloadavg()[0]
            startup, run, net = paired_runs(
                [*parallax, "align", "--json", str(path_a), str(path_b)],
                [*parallax, "--help"],
                args.repeats,
            )
            a = [corpus.a_sentence(i) for i in range(len(corpus.a_sentences))]
            b = [corpus.b_sentence(j) for j in range(len(corpus.b_sentences))]
            baseline = difflib_seconds(a, b, args.baseline_pairs, args.seed)
            rows.append((n, load, startup, run, net, baseline))
            print(f"{n}: {seconds(run.wall)} wall, difflib ≈ {seconds(baseline[0])}", flush=True)

    lines = [
        machine(),
        "",
        f"Median of {args.repeats} runs per row, each after a run of the empty command "
        f"(`parallax --help`, the start-up); difflib from {args.baseline_pairs:,} sampled "
        "pairs. Speed-ups are difflib's time over the command's, in wall and in CPU seconds "
        "(the command's CPU counts all its threads).",
        "",
        "| Sentences (A × B) | load avg | start-up wall (CPU) | `parallax align --json` wall "
        "(CPU) | minus start-up wall (CPU) | peak RSS | difflib all pairs, est. wall (CPU) "
        "| speed-up wall / CPU | minus start-up, wall / CPU | targets |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n, load, startup, run, net, (base_wall, base_cpu) in rows:
        wall_target, speed_target = TARGETS.get(n, (None, None))
        targets = []
        if wall_target is not None:
            targets.append(f"< {wall_target:g} s {'✓' if run.wall < wall_target else '✗'}")
        if speed_target is not None:
            ok = base_wall / run.wall >= speed_target
            targets.append(f"≥ {speed_target:,.0f}× {'✓' if ok else '✗'}")
        memory_ok = run.peak_kib / 1024 < MEMORY_TARGET_MIB
        targets.append(f"< {MEMORY_TARGET_MIB} MiB {'✓' if memory_ok else '✗'}")
        net_wall, net_cpu = max(net.wall, 1e-3), max(net.cpu, 1e-3)
        lines.append(
            f"| {n} × {n} | {load:.1f} | {seconds(startup.wall)} ({startup.cpu:.2f} s) "
            f"| {seconds(run.wall)} ({run.cpu:.2f} s) | {seconds(net.wall)} ({net.cpu:.2f} s) "
            f"| {run.peak_kib / 1024:.0f} MiB | {seconds(base_wall)} ({seconds(base_cpu)}) "
            f"| {base_wall / run.wall:,.0f}× / {base_cpu / run.cpu:,.0f}× "
            f"| {base_wall / net_wall:,.0f}× / {base_cpu / net_cpu:,.0f}× "
            f"| {', '.join(targets)} |"
        )
    section = "\n".join(lines)
    print()
    print(section)
    if args.write_readme:
        write_readme(section, START_MARKER, END_MARKER)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
