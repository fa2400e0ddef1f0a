"""Time ``parallax align`` end to end, as a user runs it, against all-pairs difflib.

Usage: ``python bench/align_command.py [--sizes 2000,5000] [--repeats 5] [--write-readme]``

For each size N, ``bench/corpus.py`` writes two news-like files of N sentences; the script
runs ``parallax align --json A B`` as a new process each time (cold: interpreter start-up,
imports, reading, language detection, segmentation, alignment, evidence, JSON) under
``/usr/bin/time``, which gives its wall clock, CPU seconds and peak RSS, at least five times,
and reports the median with the lowest and highest run. ``parallax --help`` is timed the
same way, for the start-up that every command pays. Parallax's own modules are compiled to
bytecode first, as ``pip install`` does: a process that has to compile them (a checkout
run with ``PYTHONDONTWRITEBYTECODE=1``) pays about 0.1 s more at every start.

The baseline is all-pairs ``difflib.SequenceMatcher.ratio`` over the same two files'
sentences, measured in the same run on random samples of ``--baseline-pairs`` sentence
pairs, once per timed repeat, each scaled to all N × N pairs (a pair's cost does not depend
on N; running all 4 million pairs at 2,000 sentences takes about 20 minutes of CPU). The
speed-up is the baseline's median over the command's median, in wall and in CPU seconds.
The machine is shared: the 1-minute load average is printed before and after each size.
"""

from __future__ import annotations

import argparse
import compileall
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
from timing import runs  # noqa: E402

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


def compile_parallax() -> None:
    """Compile Parallax's packages to bytecode, as an installation from a wheel has them."""
    for package in ("annotations", "webapp"):
        compileall.compile_dir(ROOT / package, quiet=1)


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


def difflib_seconds(
    a: list[str], b: list[str], samples: int, rng: random.Random
) -> tuple[float, float]:
    """Return the estimated wall and CPU time of difflib's ratio over all pairs of a and b."""
    pairs = [(rng.randrange(len(a)), rng.randrange(len(b))) for _ in range(samples)]
    matcher = difflib.SequenceMatcher()
    started, cpu = time.perf_counter(), time.process_time()
    for i, j in pairs:
        matcher.set_seqs(a[i], b[j])
        matcher.ratio()
    scale = len(a) * len(b) / samples
    return (time.perf_counter() - started) * scale, (time.process_time() - cpu) * scale


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def spread(values: list[float]) -> str:
    """Median (lowest–highest) of a list of seconds."""
    return f"{seconds(statistics.median(values))} ({seconds(min(values))}–{seconds(max(values))})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,5000")
    parser.add_argument("--repeats", type=runs, default=5, help="cold runs per size (≥ 5)")
    parser.add_argument("--baseline-pairs", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=20251025)
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args(argv)
    parallax = parallax_command()
    compile_parallax()
    rng = random.Random(args.seed)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for n in [int(s) for s in args.sizes.split(",")]:
            corpus = make_corpus(n, seed=args.seed)
            path_a, path_b = Path(folder, f"a{n}.txt"), Path(folder, f"b{n}.txt")
            path_a.write_text(corpus.a_text, encoding="utf-8")
            path_b.write_text(corpus.b_text, encoding="utf-8")
            a = [corpus.a_sentence(i) for i in range(len(corpus.a_sentences))]
            b = [corpus.b_sentence(j) for j in range(len(corpus.b_sentences))]
            load_before = os.getloadavg()[0]
            command = [*parallax, "align", "--json", str(path_a), str(path_b)]
            startups, commands, baselines = [], [], []
            for _ in range(args.repeats):
                startups.append(timed([*parallax, "--help"]))
                commands.append(timed(command))
                baselines.append(difflib_seconds(a, b, args.baseline_pairs, rng))
            load_after = os.getloadavg()[0]
            rows.append((n, load_before, load_after, startups, commands, baselines))
            print(
                f"{n}: {spread([r.wall for r in commands])} wall, "
                f"difflib ≈ {seconds(statistics.median(w for w, _ in baselines))}, "
                f"load {load_before:.1f} → {load_after:.1f}",
                flush=True,
            )

    lines = [
        machine(),
        "",
        f"Each figure: median (lowest–highest) of {args.repeats} cold runs, each a new process "
        "under `/usr/bin/time`; start-up is `parallax --help`, timed before each run. difflib: "
        f"{args.baseline_pairs:,} random sentence pairs per run, scaled to all pairs. "
        "Speed-ups are difflib's median over the command's, in wall and in CPU seconds.",
        "",
        "| Sentences (A × B) | load avg before → after | start-up wall | "
        "`parallax align --json` wall | its CPU | peak RSS | difflib all pairs, est. wall "
        "(CPU) | speed-up wall / CPU | targets |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for n, load_before, load_after, startups, commands, baselines in rows:
        wall = statistics.median(r.wall for r in commands)
        cpu = statistics.median(r.cpu for r in commands)
        peak = max(r.peak_kib for r in commands) / 1024
        base_wall = statistics.median(w for w, _ in baselines)
        base_cpu = statistics.median(c for _, c in baselines)
        wall_target, speed_target = TARGETS.get(n, (None, None))
        targets = []
        if wall_target is not None:
            targets.append(f"< {wall_target:g} s {'✓' if wall < wall_target else '✗'}")
        if speed_target is not None:
            ok = base_wall / wall >= speed_target
            targets.append(f"≥ {speed_target:,.0f}× {'✓' if ok else '✗'}")
        targets.append(f"< {MEMORY_TARGET_MIB} MiB {'✓' if peak < MEMORY_TARGET_MIB else '✗'}")
        lines.append(
            f"| {n} × {n} | {load_before:.1f} → {load_after:.1f} "
            f"| {spread([r.wall for r in startups])} | {spread([r.wall for r in commands])} "
            f"| {spread([r.cpu for r in commands])} | {peak:.0f} MiB "
            f"| {seconds(base_wall)} ({seconds(base_cpu)}) "
            f"| {base_wall / wall:,.0f}× / {base_cpu / max(cpu, 1e-3):,.0f}× "
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
