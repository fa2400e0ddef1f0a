"""Medians with their spread, and the machine's load, for every benchmark's report.

A figure from one run on a shared machine says little: each benchmark repeats what it times
at least ``MIN_RUNS`` times and prints the median with the lowest and highest run, and the
load average before and after, so a reader can tell a slow run from a busy machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
from collections.abc import Callable
from collections.abc import Sequence
from pathlib import Path

MIN_RUNS = 5


def runs(text: str) -> int:
    """An argparse type: a number of timed runs, at least ``MIN_RUNS``."""
    value = int(text)
    if value < MIN_RUNS:
        raise argparse.ArgumentTypeError(f"time at least {MIN_RUNS} runs, not {value}")
    return value


def spread(values: Sequence[float], show: Callable[[float], str]) -> str:
    """Return "median (min–max, n runs)" with each figure formatted by ``show``."""
    return (
        f"{show(statistics.median(values))} ({show(min(values))}–{show(max(values))}, "
        f"{len(values)} runs)"
    )


def load() -> str:
    """Return the 1, 5 and 15 minute load averages as one phrase."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} / {fifteen:.1f} (1 / 5 / 15 min)"


def write_section(readme: Path, section: str, start_marker: str, end_marker: str) -> None:
    """Replace the text between the two markers in ``readme`` with ``section``."""
    text = readme.read_text(encoding="utf-8")
    start = text.find(start_marker)
    end = text.find(end_marker)
    if start < 0 or end < start:
        raise SystemExit(f"{readme}: markers {start_marker} / {end_marker} not found")
    before = text[: start + len(start_marker)]
    readme.write_text(f"{before}\n{section.rstrip()}\n{text[end:]}", encoding="utf-8")
