"""Benchmark the reading page with 1,000 annotations: the page and its list, cold and warm.

Builds a fresh SQLite database in a temporary instance folder (``parallax db upgrade`` and
``parallax seed`` through the CLI runner) and stores 1,000 annotations on the two seed
articles with ``annotations.storage.saving.add_annotation``. Then each run starts a new
Python process that creates the app and, with the Flask test client and a browser's
``Accept-Encoding``, times its first GET of the comparison page and of the annotation list
the page names (cold), then first visits (page and list) and reloads (the list's ETag sent
back: 304) in turn. Prints the medians over the runs with their spread, the load average,
and the bodies' sizes raw and compressed.

    .venv/bin/python bench/server_page.py --write-readme
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import html
import json
import logging
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import brotli  # noqa: E402
import orjson  # noqa: E402
from backports import zstd  # noqa: E402
from flask import Flask  # noqa: E402
from sqlalchemy import func  # noqa: E402
from sqlalchemy import select  # noqa: E402
from timing import load as load_now  # noqa: E402
from timing import runs  # noqa: E402
from timing import spread  # noqa: E402

from annotations.storage import accounts  # noqa: E402
from annotations.storage import checks  # noqa: E402
from annotations.storage import listing  # noqa: E402
from annotations.storage import models  # noqa: E402
from annotations.storage import saving  # noqa: E402
from annotations.storage import tagsets  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.db import get_session  # noqa: E402

README = Path(__file__).resolve().parent / "README.md"
SECTION_START = "<!-- server-results:start -->"
SECTION_END = "<!-- server-results:end -->"
TAG_SET_KEY = "media-literacy"
SEED = 20251025

PAGE_TARGET_MS = 50.0
LIST_TARGET_KB = 250.0

SECTION_TEMPLATE = f"""{SECTION_START}
## The web server: comparison page and saving annotations

```sh
.venv/bin/python bench/server_page.py --write-readme
.venv/bin/python bench/save_load.py --write-readme      # about a minute; PostgreSQL if reachable
```

### `bench/server_page.py`: the reading page and its annotation list, 1,000 annotations

A fresh SQLite database in a temporary instance folder (`parallax db upgrade`, `parallax
seed`), then 1,000 annotations stored with `annotations.storage.saving.add_annotation` on the two
seed articles: spans of 1 to 30 words at random word boundaries (so many overlap, some run
across sentences), one to three tags of the Media literacy set, a note on every third and a
link to a span of the other article on every tenth. The page is not usable without its
list, so the target (< 50 ms median, a list under 250 KB) judges the two together. Each run
is a new Python process that creates the app and, with the Flask test client (the server's
work, no network) and Chromium's `Accept-Encoding: gzip, deflate, br, zstd`, times:
**cold**, its first GET of the page and then of the list the page names
(`data-annotations-url`), as after a server start (templates compiled, statements cached and
the database opened on the way); then, 20 times in turn, a **first visit** (page and list,
both 200) and a **reload** (page 200, the list with its `ETag` in `If-None-Match`: 304). The
table shows, per measure, the median of the runs' medians and the lowest and highest run,
with the load average (1 min) before and after each run; the sizes are the bodies as sent,
raw and with each encoding.

<!-- server-page:start -->
(not run yet)
<!-- server-page:end -->

### `bench/save_load.py`: saving annotations under load

The app runs under gunicorn on 127.0.0.1 (a free port; sync workers, two per core) with a
fresh database: SQLite in WAL mode in a temporary instance folder, and PostgreSQL in a fresh
schema of `postgresql+psycopg://postgres@127.0.0.1:5432/test` (created before and dropped
after; skipped with the reason printed when the server cannot be reached). The load
generator is part of the script: one thread per client, each first GETs the comparison page
as a browser does (session cookie, CSRF token from the meta tag), then POSTs new annotations
to `/api/documents/<id>/annotations` back to back with the cookie and an `X-CSRFToken`
header, each with a new UUID and a random word-aligned span and tags. CSRF protection stays
on. Gunicorn's sync workers close the connection after every response, so each save opens a
new TCP connection (`http.client` reconnects). A 2 s warm-up with 10 clients runs first and
is not reported. A save counts as acknowledged on 201; anything else (or a connection error
or a 10 s timeout) is an error. After each run the `annotation` rows added are counted and
compared with the acknowledged saves. The latencies are measured by the clients, which run on
the same cores as the server; the table also shows the CPU time the load generator used.

<!-- save-load:start -->
(not run yet)
<!-- save-load:end -->
{SECTION_END}"""


# --- README ---------------------------------------------------------------------------------


def machine(load: float) -> str:
    """Describe this machine, the time of the run and the load average before it."""
    return (
        f"Machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), "
        f"Python {platform.python_version()}, {platform.system()} {platform.machine()}; "
        f"run {dt.datetime.now():%Y-%m-%d %H:%M}, load average {load:.1f} "
        "before it (other work on the machine slows every figure)."
    )


def write_readme_block(
    name: str,
    body: str,
    *,
    section: tuple[str, str, str] = (SECTION_START, SECTION_END, SECTION_TEMPLATE),
) -> None:
    """Replace the ``name`` block inside a section of bench/README.md.

    ``section`` is the section's start marker, end marker and template (by default the
    server-results section). The section (heading, prose and its blocks) is appended first
    if the README lacks it; the README's other sections are left alone.
    """
    section_start, section_stop, template = section
    text = README.read_text(encoding="utf-8")
    if section_start not in text or section_stop not in text:
        text = text.rstrip("\n") + "\n\n" + template + "\n"
    section_at = text.index(section_start)
    section_end = text.index(section_stop, section_at)
    start_marker, end_marker = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    start = text.find(start_marker, section_at, section_end)
    end = text.find(end_marker, section_at, section_end)
    if start < 0 or end < start:
        raise SystemExit(f"{README}: markers {start_marker} / {end_marker} not in the section")
    before = text[: start + len(start_marker)]
    README.write_text(f"{before}\n{body}\n{text[end:]}", encoding="utf-8")


def check(ok: bool) -> str:
    """Return a tick or a cross for a target met or missed."""
    return "✓" if ok else "✗"


def percentile(values: Sequence[float], share: float) -> float:
    """Return the ``share`` percentile (0..1) of ``values``, by the nearest rank."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


# --- the database ---------------------------------------------------------------------------


def make_app(instance: Path, database_url: str | None = None, **config: Any) -> Flask:
    """Build the app on a fresh database in ``instance``: migrated and seeded."""
    url = database_url or f"sqlite:///{instance / 'parallax.sqlite3'}"
    app = create_app({"DATABASE_URL": url, **config}, instance_path=str(instance))
    runner = app.test_cli_runner()
    for args in (["db", "upgrade"], ["seed"]):
        result = runner.invoke(args=args)
        if result.exit_code != 0:
            raise SystemExit(f"parallax {' '.join(args)} failed: {result.output.strip()}")
    return app


@dataclass(frozen=True, slots=True)
class SeedComparison:
    """The stored seed comparison: its id and its two documents' ids and texts."""

    comparison_id: int
    document_ids: tuple[int, int]
    texts: tuple[str, str]


def seed_comparison(app: Flask) -> SeedComparison:
    """Return the seed comparison that ``parallax seed`` stored."""
    with app.app_context():
        session = get_session()
        comparison = session.scalars(select(models.Comparison).order_by(models.Comparison.id))
        row = comparison.first()
        if row is None or len(row.documents) < 2:
            raise SystemExit("the seeded database has no comparison of two documents")
        a, b = row.documents[:2]
        return SeedComparison(row.id, (a.id, b.id), (a.text, b.text))


_WORD = re.compile(r"\S+")


def word_spans(text: str) -> list[tuple[int, int]]:
    """Return the ``[start, end)`` of every whitespace-separated word of ``text``."""
    return [(match.start(), match.end()) for match in _WORD.finditer(text)]


def random_span(rng: random.Random, words: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """Return a span of 1 to 30 words (mostly short) starting at a random word."""
    length = min(30, int(rng.expovariate(1 / 7)) + 1)
    first = rng.randrange(len(words))
    last = min(len(words) - 1, first + length - 1)
    return words[first][0], words[last][1]


def make_annotation_input(
    rng: random.Random,
    seed: SeedComparison,
    words: tuple[list[tuple[int, int]], list[tuple[int, int]]],
    tag_keys: Sequence[str],
    *,
    side: int,
    linked: bool = False,
    note: str = "",
) -> checks.AnnotationInput:
    """Return a random valid annotation of one seed article (``side`` 0 or 1)."""
    start, end = random_span(rng, words[side])
    fields: dict[str, Any] = {}
    if linked:
        other = 1 - side
        link_start, link_end = random_span(rng, words[other])
        fields = {
            "relation": rng.choice(models.RELATIONS),
            "link_document_id": seed.document_ids[other],
            "link_start": link_start,
            "link_end": link_end,
            "link_quote": seed.texts[other][link_start:link_end],
        }
    return checks.AnnotationInput(
        public_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        document_id=seed.document_ids[side],
        start=start,
        end=end,
        quote=seed.texts[side][start:end],
        tag_keys=tuple(rng.sample(list(tag_keys), rng.choice((1, 1, 1, 2, 3)))),
        tag_set_key=TAG_SET_KEY,
        note=note,
        comparison_id=seed.comparison_id,
        **fields,
    )


def add_annotations(app: Flask, seed: SeedComparison, count: int, rng: random.Random) -> None:
    """Store ``count`` random annotations spread over both seed articles, in one commit."""
    words = (word_spans(seed.texts[0]), word_spans(seed.texts[1]))
    with app.app_context():
        session = get_session()
        tag_set = tagsets.get_tag_set(session, TAG_SET_KEY)
        if tag_set is None:
            raise SystemExit(f"the seeded database has no tag set {TAG_SET_KEY!r}")
        tag_keys = [tag.key for tag in tag_set.tags]
        author = accounts.get_or_add_user(session, "Benchmark", role="teacher")
        for number in range(count):
            data = make_annotation_input(
                rng,
                seed,
                words,
                tag_keys,
                side=number % 2,
                linked=number % 10 == 0,
                note=f"Note {number}: the wording here & <em>there</em>." if number % 3 else "",
            )
            saving.add_annotation(session, data, author_id=author.id)
        session.commit()
        stored = session.scalar(select(func.count()).select_from(models.Annotation))
        if stored != count:
            raise SystemExit(f"stored {stored} annotations, expected {count}")


# --- timing (in a child process per run) -----------------------------------------------------

# What Chromium sends: the server picks zstd.
BROWSER_ENCODINGS = "gzip, deflate, br, zstd"
DECODERS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.decompress,
    "br": brotli.decompress,
    "zstd": zstd.decompress,
}
_LIST_URL = re.compile(r'data-annotations-url="([^"]+)"')


def timed_get(
    client: Any, url: str, headers: dict[str, str], status: int
) -> tuple[tuple[float, float], Any]:
    """GET ``url``; return its wall and CPU milliseconds and the response (of ``status``).

    The CPU time is the process's own (Flask and SQLite run in it): what the request takes
    on a core of its own, whatever else the machine is doing.
    """
    began, began_cpu = time.perf_counter(), time.process_time()
    response = client.get(url, headers=headers)
    cpu = (time.process_time() - began_cpu) * 1000
    elapsed = (time.perf_counter() - began) * 1000
    if response.status_code != status:
        raise SystemExit(f"GET {url} answered {response.status_code}, expected {status}")
    return (elapsed, cpu), response


def _medians(pairs: list[tuple[tuple[float, float], tuple[float, float]]]) -> dict[str, float]:
    """Return the medians of page, list and their sum, wall and CPU, over timed pairs."""
    return {
        "page": statistics.median(page[0] for page, _ in pairs),
        "list": statistics.median(listing[0] for _, listing in pairs),
        "sum": statistics.median(page[0] + listing[0] for page, listing in pairs),
        "page cpu": statistics.median(page[1] for page, _ in pairs),
        "list cpu": statistics.median(listing[1] for _, listing in pairs),
        "sum cpu": statistics.median(page[1] + listing[1] for page, listing in pairs),
    }


def measure_run(instance: Path, page_url: str, repeats: int) -> dict[str, Any]:
    """Time one server process: its first page and list, then warm visits and reloads.

    Runs in a child process, so that the first requests meet an app as a server starts it
    (templates not compiled, no SQL statement cached, no connection open).
    """
    logging.disable(logging.INFO)
    url = f"sqlite:///{instance / 'parallax.sqlite3'}"
    app = create_app({"DATABASE_URL": url}, instance_path=str(instance))
    client = app.test_client()
    browser = {"Accept-Encoding": BROWSER_ENCODINGS}
    cold_page, page = timed_get(client, page_url, browser, 200)
    found = _LIST_URL.search(DECODERS[page.headers["Content-Encoding"]](page.get_data()).decode())
    if found is None:
        raise SystemExit(f"{page_url} names no annotation list")
    list_url = html.unescape(found.group(1))
    cold_list, listing = timed_get(client, list_url, browser, 200)
    etag = listing.headers["ETag"]
    visits = []
    reloads = []
    for _ in range(repeats):
        visits.append(
            (
                timed_get(client, page_url, browser, 200)[0],
                timed_get(client, list_url, browser, 200)[0],
            )
        )
        reloads.append(
            (
                timed_get(client, page_url, browser, 200)[0],
                timed_get(client, list_url, {**browser, "If-None-Match": etag}, 304)[0],
            )
        )
    plain_page = client.get(page_url).get_data()
    plain_list = client.get(list_url).get_data()
    sizes = {"page": len(plain_page), "list": len(plain_list)}
    for encoding in DECODERS:
        for name, target in (("page", page_url), ("list", list_url)):
            body = client.get(target, headers={"Accept-Encoding": encoding}).get_data()
            sizes[f"{name} {encoding}"] = len(body)
    return {
        "list_url": list_url,
        "encoding": listing.headers.get("Content-Encoding", ""),
        "cold": _medians([(cold_page, cold_list)]),
        "visit": _medians(visits),
        "reload": _medians(reloads),
        "sizes": sizes,
    }


def run_child(instance: Path, page_url: str, repeats: int) -> dict[str, Any]:
    """Run :func:`measure_run` in a new Python process; return its results and load averages."""
    before = os.getloadavg()
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(instance), page_url, str(repeats)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"a timed run failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["load"] = (before, os.getloadavg())
    return result


def full_list_size(app: Flask, comparison_id: int) -> int:
    """Return the bytes of the same annotations in the one-annotation shape (JSON, no spaces)."""
    with app.app_context():
        items = listing.annotation_dicts(
            get_session(), comparison_id=comparison_id, outside_exercises=True
        )
    return len(orjson.dumps({"comparison_id": comparison_id, "annotations": items}))


# --- main -----------------------------------------------------------------------------------


def _ms(values: Sequence[float]) -> str:
    return spread(values, lambda value: f"{value:.1f} ms")


def _kb(size: int) -> str:
    return f"{size / 1024:.1f} KB"


def format_results(runs: list[dict[str, Any]], count: int, full_size: int, repeats: int) -> str:
    """Return the README block: the machine, the load, one table of times and one of sizes."""
    loads = [pair[0] for run in runs for pair in run["load"]]
    first_load = runs[0]["load"][0]
    sizes = runs[-1]["sizes"]
    encoding = runs[-1]["encoding"]

    def median_of(kind: str, name: str) -> float:
        return statistics.median(run[kind][name] for run in runs)

    def row(label: str, kind: str, name: str, target: str = "") -> str:
        wall = _ms([run[kind][name] for run in runs])
        cpu = _ms([run[kind][f"{name} cpu"] for run in runs])
        return f"| {label} | {wall} | {cpu} | {target} |"

    def judged(kind: str) -> str:
        wall, cpu = median_of(kind, "sum"), median_of(kind, "sum cpu")
        return (
            f"< {PAGE_TARGET_MS:.0f} ms: wall {check(wall < PAGE_TARGET_MS)}, "
            f"CPU {check(cpu < PAGE_TARGET_MS)}"
        )

    list_ok = sizes["list"] < LIST_TARGET_KB * 1024
    rows = [
        "| Request | wall: median of the runs (lowest–highest run) | CPU of the server process "
        "| target |",
        "|---|---|---|---|",
        row("cold: page, first request of a new server process", "cold", "page"),
        row("cold: annotation list, the process's second request", "cold", "list"),
        row("**cold: page + list**", "cold", "sum", "(none: once a process)"),
        row(f"warm: page (200, {encoding})", "visit", "page"),
        row(f"warm: list (200, {encoding})", "visit", "list"),
        row("**warm, first visit: page + list (200 + 200)**", "visit", "sum", judged("visit")),
        row("warm: list unchanged (304)", "reload", "list"),
        row("**warm, reload: page + list (200 + 304)**", "reload", "sum", judged("reload")),
    ]
    size_rows = [
        "| Body | raw | zstd | brotli | gzip | target |",
        "|---|---|---|---|---|---|",
        f"| page `{PAGE_URL}` | {_kb(sizes['page'])} | {_kb(sizes['page zstd'])} | "
        f"{_kb(sizes['page br'])} | {_kb(sizes['page gzip'])} | |",
        f"| list `{runs[-1]['list_url']}` | {_kb(sizes['list'])} | {_kb(sizes['list zstd'])} | "
        f"{_kb(sizes['list br'])} | {_kb(sizes['list gzip'])} | "
        f"< {LIST_TARGET_KB:.0f} KB {check(list_ok)} |",
        f"| the same {count:,} annotations in the one-annotation shape (before) | "
        f"{_kb(full_size)} | | | | |",
    ]
    return "\n".join(
        [
            machine(first_load[0]),
            "",
            f"SQLite, {count:,} annotations; {len(runs)} runs, each a new Python process: its "
            f"first page and list (cold), then {repeats} first visits (page and list, no "
            f"validator) and {repeats} reloads (the list's ETag sent back) in turn, with the "
            f"Flask test client and `Accept-Encoding: {BROWSER_ENCODINGS}`; per run the "
            "median, then the median of the runs. Wall is `time.perf_counter()` around "
            "`client.get`; CPU is `time.process_time()` of the same process (Flask and "
            "SQLite run in it), what a request takes on a core of its own. Load average "
            f"(1 min) before and after each run: {min(loads):.1f}–{max(loads):.1f}; "
            f"{load_now()} at the end.",
            "",
            *rows,
            "",
            *size_rows,
        ]
    )


PAGE_URL = "/comparisons/1"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print (and optionally store) its tables."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["--child"]:
        instance, page_url, repeats = arguments[1:4]
        print(json.dumps(measure_run(Path(instance), page_url, int(repeats))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotations", type=int, default=1000, help="annotations to store")
    parser.add_argument("--runs", type=runs, default=7, help="server processes timed (≥ 5)")
    parser.add_argument("--repeats", type=int, default=20, help="visits and reloads per run")
    parser.add_argument("--seed", type=int, default=SEED, help="random seed for the spans")
    parser.add_argument("--write-readme", action="store_true", help="update bench/README.md")
    args = parser.parse_args(arguments)

    instance = Path(tempfile.mkdtemp(prefix="parallax-bench-page-"))
    try:
        logging.disable(logging.INFO)
        app = make_app(instance)
        seed = seed_comparison(app)
        if f"/comparisons/{seed.comparison_id}" != PAGE_URL:
            raise SystemExit(f"the seed comparison is {seed.comparison_id}, not 1")
        add_annotations(app, seed, args.annotations, random.Random(args.seed))
        full_size = full_list_size(app, seed.comparison_id)
        results = []
        for number in range(args.runs):
            results.append(run_child(instance, PAGE_URL, args.repeats))
            last = results[-1]
            print(
                f"run {number + 1}: first visit {last['visit']['sum']:.1f} ms "
                f"(CPU {last['visit']['sum cpu']:.1f}), reload {last['reload']['sum']:.1f} ms "
                f"(CPU {last['reload']['sum cpu']:.1f}), cold {last['cold']['sum']:.1f} ms, "
                f"{os.getloadavg()[0]:.1f} load",
                file=sys.stderr,
            )
    finally:
        shutil.rmtree(instance, ignore_errors=True)

    body = format_results(results, args.annotations, full_size, args.repeats)
    print(body)
    if args.write_readme:
        write_readme_block("server-page", body)
        print(f"\nwrote {README.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
