"""Benchmark the stored seed comparison page with 1,000 annotations: server time and size.

Builds a fresh SQLite database in a temporary instance folder (``parallax db upgrade`` and
``parallax seed`` through the CLI runner), stores 1,000 annotations on the two seed articles
with ``annotations.storage.saving.add_annotation``, then times GET of the comparison page and of the
annotations JSON that the page's script fetches, with the Flask test client.

    .venv/bin/python bench/server_page.py --write-readme
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import re
import shutil
import statistics
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

from flask import Flask  # noqa: E402
from sqlalchemy import func  # noqa: E402
from sqlalchemy import select  # noqa: E402
from timing import load as load_now  # noqa: E402
from timing import runs  # noqa: E402

from annotations.storage import accounts  # noqa: E402
from annotations.storage import checks  # noqa: E402
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
PAGE_TARGET_KB = 200.0

SECTION_TEMPLATE = f"""{SECTION_START}
## The web server: comparison page and saving annotations

```sh
.venv/bin/python bench/server_page.py --write-readme
.venv/bin/python bench/save_load.py --write-readme      # about a minute; PostgreSQL if reachable
```

### `bench/server_page.py`: the comparison page with 1,000 annotations

A fresh SQLite database in a temporary instance folder (`parallax db upgrade`, `parallax
seed`), then 1,000 annotations stored with `annotations.storage.saving.add_annotation` on the two
seed articles: spans of 1 to 30 words at random word boundaries (so many overlap, some run
across sentences), one to three tags of the Media literacy set, a note on every third and a
link to a span of the other article on every tenth. Each URL is requested 3 times untimed,
then 50 times with the Flask test client; the time is `time.perf_counter()` around
`client.get`, so it is the server's work without a network. The page itself draws no
highlight: `static/js/annotate.js` fetches the annotations as JSON after load, so that
request is timed as well, and both are shown with no annotations stored for comparison. The
page target judges the page and its annotation list together (the median of per-request sums
of the two times, and the sum of their sizes): the page is not usable without its list.

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


# --- timing ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Timing:
    """The server time of repeated GETs of one URL and the size of its body."""

    url: str
    times_ms: tuple[float, ...]
    size_kb: float

    @property
    def median(self) -> float:
        """Return the median time in milliseconds."""
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        """Return the 95th percentile time in milliseconds."""
        return percentile(self.times_ms, 0.95)


def time_get(app: Flask, url: str, *, repeats: int, warmup: int = 3) -> tuple[Timing, bytes]:
    """GET ``url`` ``warmup`` times untimed, then ``repeats`` times timed; return the timing."""
    client = app.test_client()
    body = b""
    timer: Callable[[], float] = time.perf_counter
    times: list[float] = []
    for number in range(warmup + repeats):
        began = timer()
        response = client.get(url)
        elapsed = timer() - began
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
        body = response.get_data()
        if number >= warmup:
            times.append(elapsed * 1000)
    return Timing(url, tuple(times), len(body) / 1024), body


def count_highlights(html: bytes, seed: SeedComparison, app: Flask) -> int:
    """Return how many stored annotation ids occur in the page's HTML."""
    with app.app_context():
        ids = get_session().scalars(select(models.Annotation.public_id)).all()
    return sum(1 for public_id in ids if public_id.encode() in html)


# --- main -----------------------------------------------------------------------------------


def format_results(
    empty: tuple[Timing, Timing], full: tuple[Timing, Timing], count: int, drawn: int, load: float
) -> str:
    """Return the README block: the machine line and one table.

    The page is not usable until its script has the annotations too, so the page target
    judges the page and its annotation list together: the median of the per-request sums
    of their times, and the sum of their sizes.
    """
    page_empty, json_empty = empty
    page, listing = full
    both = Timing(
        f"{page.url} + {listing.url}",
        tuple(a + b for a, b in zip(page.times_ms, listing.times_ms, strict=True)),
        page.size_kb + listing.size_kb,
    )
    rows = [
        "| Request | annotations | median (min–max) | p95 | size | target |",
        "|---|---|---|---|---|---|",
    ]
    both_ok = both.median < PAGE_TARGET_MS and both.size_kb < PAGE_TARGET_KB
    target = f"< {PAGE_TARGET_MS:.0f} ms, < {PAGE_TARGET_KB:.0f} KB {check(both_ok)}"
    for label, timing, stored, judged in (
        (f"page `{page.url}`", page_empty, 0, ""),
        (f"page `{page.url}`", page, count, ""),
        (f"JSON `{listing.url}`", json_empty, 0, ""),
        (f"JSON `{listing.url}`", listing, count, ""),
        ("**page and its annotation list**", both, count, target),
    ):
        rows.append(
            f"| {label} | {stored:,} | {timing.median:.1f} ms ({min(timing.times_ms):.1f}–"
            f"{max(timing.times_ms):.1f}) | {timing.p95:.1f} ms | {timing.size_kb:.1f} KB "
            f"| {judged} |"
        )
    return "\n".join(
        [
            machine(load),
            "",
            f"SQLite, {len(page.times_ms)} timed requests per row after 3 untimed ones; "
            f"{load_now()} after the run. The page's HTML names {drawn} of the {count:,} "
            "annotations (the script draws them from the JSON), so the target judges the page "
            "and its annotation list together (per-request sums of the two times).",
            "",
            *rows,
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print (and optionally store) its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotations", type=int, default=1000, help="annotations to store")
    parser.add_argument("--repeats", type=runs, default=50, help="timed GETs per URL (≥ 5)")
    parser.add_argument("--seed", type=int, default=SEED, help="random seed for the spans")
    parser.add_argument("--write-readme", action="store_true", help="update bench/README.md")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]

    instance = Path(tempfile.mkdtemp(prefix="parallax-bench-page-"))
    try:
        app = make_app(instance)
        seed = seed_comparison(app)
        page_url = f"/comparisons/{seed.comparison_id}"
        json_url = f"/api/comparisons/{seed.comparison_id}/annotations"
        page_empty, _ = time_get(app, page_url, repeats=args.repeats)
        json_empty, _ = time_get(app, json_url, repeats=args.repeats)
        add_annotations(app, seed, args.annotations, random.Random(args.seed))
        page, html = time_get(app, page_url, repeats=args.repeats)
        listing, _ = time_get(app, json_url, repeats=args.repeats)
        drawn = count_highlights(html, seed, app)
    finally:
        shutil.rmtree(instance, ignore_errors=True)

    body = format_results((page_empty, json_empty), (page, listing), args.annotations, drawn, load)
    print(body)
    if args.write_readme:
        write_readme_block("server-page", body)
        print(f"\nwrote {README.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
