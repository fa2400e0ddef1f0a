"""How quickly the ``parallax`` command answers, timed as a person meets it.

Runs ``parallax --help``, ``parallax --version`` and ``parallax align`` on two one-line text
files as separate processes under ``/usr/bin/time`` (wall clock, CPU seconds and peak
memory), each at least five times, and prints the median and spread of each with the load
average before and after the run. Parallax's modules are compiled to bytecode first, as an
installation has them. Targets (issue 16): ``--help`` under 0.3 s and ``align`` on two
short files under 0.5 s.

    .venv/bin/python bench/cli_startup.py --repeats 7
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

TARGETS = {"--help": 0.3, "--version": 0.3, "align": 0.5}


def measure(
    command: list[str], cwd: Path, repeats: int
) -> tuple[list[float], list[float], list[int]]:
    """Return the wall-clock seconds, CPU seconds and peak KiB of ``repeats`` runs."""
    time_binary = shutil.which("time") or "/usr/bin/time"
    seconds: list[float] = []
    cpu: list[float] = []
    peaks: list[int] = []
    for _ in range(repeats):
        completed = subprocess.run(
            [time_binary, "-f", "%e %U %S %M", *command],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=True,
        )
        wall, user, system, peak = completed.stderr.strip().splitlines()[-1].split()
        seconds.append(float(wall))
        cpu.append(float(user) + float(system))
        peaks.append(int(peak))
    return seconds, cpu, peaks


def main() -> None:
    """Print a Markdown table of the command line's start-up times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if args.repeats < 5:
        parser.error("--repeats must be at least 5")
    parallax = Path(sys.executable).with_name("parallax")
    root = Path(__file__).resolve().parents[1]
    for package in ("annotations", "webapp"):
        compileall.compile_dir(root / package, quiet=1)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "a.txt").write_text("The minister met the press on Monday. She was calm.\n")
        (work / "b.txt").write_text("On Monday the minister met reporters. She was calm.\n")
        cases = {
            "--help": [str(parallax), "--help"],
            "--version": [str(parallax), "--version"],
            "align": [str(parallax), "align", "a.txt", "b.txt"],
        }
        load = os.getloadavg()[0]
        table = [
            "| command | median wall (s) | min-max (s) | median CPU (s) | peak memory (MiB) "
            "| target |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for name, command in cases.items():
            seconds, cpu, peaks = measure(command, work, args.repeats)
            median = statistics.median(seconds)
            table.append(
                f"| `parallax {' '.join(command[1:])}` | {median:.2f} | "
                f"{min(seconds):.2f}-{max(seconds):.2f} | {statistics.median(cpu):.2f} | "
                f"{statistics.median(peaks) / 1024:.0f} | < {TARGETS[name]} s "
                f"{'✓' if median < TARGETS[name] else '✗'} |"
            )
        after = os.getloadavg()[0]
        print(f"load average (1 min) {load:.2f} before the run, {after:.2f} after; ", end="")
        print(f"{args.repeats} runs each\n")
        print("\n".join(table))


if __name__ == "__main__":
    main()
