"""How fast are the framing suggestions? The seed pair warm, and two 5,000-sentence articles.

Targets (issue 15): the seed pair in under 100 ms warm; two 5,000-sentence articles in under
3 s. ``suggest`` is timed with the pair's alignment given (as the web app and the review
step call it, the alignment being stored), and separately the alignment itself, which
``suggest`` makes when it is not given. The long articles are the keyed articles of
bench/framing/ repeated with their numbers and names varied (so most facts differ between
the two sides) until each has 5,000 sentences. Each figure is the median of ``--repeat``
runs after one warm-up run, with the spread and the load average.

    .venv/bin/python bench/suggest_speed.py [--repeat 5] [--write-readme]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from timing import write_section  # noqa: E402

from annotations.framing.suggest import suggest  # noqa: E402
from annotations.framing.taxonomy import MEDIA_LITERACY  # noqa: E402
from annotations.text.align import align_documents  # noqa: E402
from annotations.text.ingest import ingest_text  # noqa: E402
from annotations.text.ingest import read_document  # noqa: E402

README = ROOT / "bench" / "README.md"
START, END = "<!-- suggest-speed:start -->", "<!-- suggest-speed:end -->"
SEED_A = ROOT / "seeds" / "000_934de63c848709fa.txt"
SEED_B = ROOT / "seeds" / "004_c1ee273f4eb3ca13.txt"
NAMES = ("Avery", "Dunmore", "Harlow", "Kestrel", "Northfield", "Sandport", "Vale", "Wexley")


def long_article(side: str, sentences: int) -> str:
    """Return an article of the keyed texts of one side, varied, with ``sentences`` sentences."""
    texts = [
        p.read_text(encoding="utf-8")
        for p in sorted(ROOT.glob(f"bench/framing/pairs/*/{side}.txt"))
    ]
    paragraphs = [block for text in texts for block in text.split("\n\n") if block.strip()]
    out: list[str] = []
    count = 0
    round_ = 0
    while count < sentences:
        for paragraph in paragraphs:
            shift = round_ * 7 + (3 if side == "b" else 0)
            varied = re.sub(r"\d+", lambda m, shift=shift: str(int(m.group()) + shift), paragraph)
            name = NAMES[(round_ + (side == "b")) % len(NAMES)]
            varied = re.sub(
                r"\b(?:Avery|Dunmore|Harlow|Sandport|Wexley)\b", f"{name}{round_}", varied
            )
            out.append(varied)
            count += len(re.findall(r"[.!?](?:\s|$)", varied)) or 1
            if count >= sentences:
                break
        round_ += 1
    return "\n\n".join(out)


def timed(call, repeat: int) -> tuple[float, float, float, float]:
    """Return the median, lowest and highest wall time of ``repeat`` runs after a warm-up,
    and the median CPU time (this process)."""
    call()
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times), min(times), max(times), statistics.median(cpu)


def long_document(side: str, sentences: int):
    """Return a Document of at least ``sentences`` sentences (as the product splits them)."""
    wanted = sentences
    while True:
        document = ingest_text(long_article(side, wanted))
        if len(document.segmentation.sentences) >= sentences:
            return document
        wanted += sentences // 10


def main() -> None:
    """Time the suggester and print (or store) the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args()
    rows = []
    a, b = read_document(SEED_A), read_document(SEED_B)
    alignment = align_documents(a, b)
    load = os.getloadavg()[0]
    median, low, high, cpu = timed(
        lambda: suggest([a, b], MEDIA_LITERACY, alignment=alignment), args.repeat
    )
    rows.append(
        (
            "seed pair, alignment given",
            len(a.segmentation.sentences),
            len(b.segmentation.sentences),
            median,
            low,
            high,
            cpu,
            load,
            "< 0.1 s",
        )
    )
    load = os.getloadavg()[0]
    median, low, high, cpu = timed(lambda: suggest([a, b], MEDIA_LITERACY), args.repeat)
    rows.append(
        (
            "seed pair, aligned too",
            len(a.segmentation.sentences),
            len(b.segmentation.sentences),
            median,
            low,
            high,
            cpu,
            load,
            "–",
        )
    )
    long_a = long_document("a", 5000)
    long_b = long_document("b", 5000)
    long_alignment = align_documents(long_a, long_b)
    load = os.getloadavg()[0]
    median, low, high, cpu = timed(
        lambda: suggest([long_a, long_b], MEDIA_LITERACY, alignment=long_alignment), args.repeat
    )
    sizes = len(long_a.segmentation.sentences), len(long_b.segmentation.sentences)
    rows.append(
        ("two long articles, alignment given", *sizes, median, low, high, cpu, load, "< 3 s")
    )
    load = os.getloadavg()[0]
    median, low, high, cpu = timed(
        lambda: align_documents(long_a, long_b), max(1, args.repeat // 2)
    )
    rows.append(
        ("their alignment alone (not part of suggest)", *sizes, median, low, high, cpu, load, "–")
    )
    lines = [
        f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}; run {time.strftime('%Y-%m-%d %H:%M')}.",
        "",
        "| case | sentences A × B | median wall | spread (min–max) | median CPU | load avg | "
        "target (wall) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, sa, sb, median, low, high, cpu, load, target in rows:
        ok = ""
        if target.startswith("<"):
            limit = float(target.split()[1])
            ok = " ✓" if median < limit else " ✗"
        lines.append(
            f"| {name} | {sa:,} × {sb:,} | {median * 1000:,.0f} ms | {low * 1000:,.0f}–"
            f"{high * 1000:,.0f} ms | {cpu * 1000:,.0f} ms | {load:.1f} | {target}{ok} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write_readme:
        write_section(README, text, START, END)


if __name__ == "__main__":
    main()
