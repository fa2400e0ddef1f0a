"""How quickly the ``parallax`` command answers, timed as a person meets it.

Runs ``parallax --help``, ``parallax --version`` and ``parallax align`` on two one-line text
files as separate processes under ``/usr/bin/time`` (wall clock and peak memory), each at
least five times, and prints the median and spread of each with the load average before the
run. Targets (issue 16): ``--help`` under 0.3 s and ``align`` on two short files under 0.5 s.

    .venv/bin/python bench/cli_startup.py --repeats 7
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

TARGETS = {"--help": 0.3, "--version": 0.3, "align": 0.5}


def measure(command: list[str], cwd: Path, repeats: int) -> tuple[list[float], list[int]]:
    """Return the wall-clock seconds and peak KiB of ``repeats`` runs of ``command``."""
    time_binary = shutil.which("time") or "/usr/bin/time"
    seconds: list[float] = []
    peaks: list[int] = []
    for _ in range(repeats):
        completed = subprocess.run(
            [time_binary, "-f", "%e %M", *command],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=True,
        )
        wall, peak = completed.stderr.strip().splitlines()[-1].split()
        seconds.append(float(wall))
        peaks.append(int(peak))
    return seconds, peaks


def main() -> None:
    """Print a Markdown table of the command line's start-up times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if args.repeats < 5:
        parser.error("--repeats must be at least 5")
    parallax = Path(sys.executable).with_name("parallax")
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
        print(f"load average before the run: {load:.2f}; {args.repeats} runs each\n")
        print("| command | median wall (s) | min-max (s) | peak memory (MiB) | target |")
        print("| --- | --- | --- | --- | --- |")
        for name, command in cases.items():
            seconds, peaks = measure(command, work, args.repeats)
            print(
                f"| `parallax {' '.join(command[1:])}` | {statistics.median(seconds):.2f} | "
                f"{min(seconds):.2f}-{max(seconds):.2f} | "
                f"{statistics.median(peaks) / 1024:.0f} | < {TARGETS[name]} s |"
            )


if __name__ == "__main__":
    main()
