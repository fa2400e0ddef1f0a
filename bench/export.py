"""Benchmark exports and imports of 100,000 annotations, over HTTP and from the command line.

A fresh SQLite database in a temporary instance folder (``parallax db upgrade``, ``parallax
seed``), then N annotations on the seed comparison written with one Core ``insert()``
(executemany), not through the API. First the floor: the export's own SELECT written to a
CSV file by Python's ``sqlite3`` and ``csv.writer``, and by the ``sqlite3`` program; then the
steps of an export in one process (query, sort, records, text). A threaded werkzeug server
for the app runs in a child process on 127.0.0.1; each export is fetched with
``http.client``: total time, the server's CPU time, bytes, the growth of its peak RSS and the
time to the first byte. Then ``parallax export`` and ``parallax import`` (of the JSON and
W3C JSON-LD exports, into fresh databases) run as a user runs them, under ``/usr/bin/time``:
wall time with start-up, CPU time and peak RSS of the whole process. Every row is timed
``--repeats`` times (median, lowest and highest) and followed by the load average.

    .venv/bin/python bench/export.py --write-readme
    .venv/bin/python bench/export.py --annotations 10000 --repeats 5
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import http.client
import logging
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from save_load import free_port  # noqa: E402
from server_page import check  # noqa: E402
from server_page import machine  # noqa: E402
from server_page import make_app  # noqa: E402
from server_page import seed_comparison  # noqa: E402
from server_page import word_spans  # noqa: E402
from sqlalchemy import Table  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from sqlalchemy import select  # noqa: E402
from timing import load as load_now  # noqa: E402
from timing import runs as timed_runs  # noqa: E402
from timing import spread  # noqa: E402

from annotations.storage import models  # noqa: E402
from annotations.text.anchor import context_of  # noqa: E402
from webapp import db  # noqa: E402

HOST = "127.0.0.1"
README = Path(__file__).resolve().parent / "README.md"
START, END = "<!-- export-results:start -->", "<!-- export-results:end -->"
FORMATS = {"csv": "CSV", "jsonld": "W3C JSON-LD"}
TARGET_TOTAL_S = {"csv": 1.0, "jsonld": 2.0}
TARGET_IMPORT_S = 5.0
TARGET_IMPORT_MIB = 200.0
MIB = 1024 * 1024
BASE = "http://localhost/"
PARALLAX = Path(sys.executable).with_name("parallax")
SECTION = f"""## Exports and imports of 100,000 annotations: `bench/export.py`

```sh
.venv/bin/python bench/export.py --write-readme      # 5 runs of every row: 5-15 minutes
```

See the script's docstring for what each row measures.

{START}
{END}
"""


# --- the database -----------------------------------------------------------------------------


def fill(app: Flask, count: int, seed: int) -> None:
    """Write ``count`` annotations on the seed comparison with one executemany insert."""
    comparison = seed_comparison(app)
    rng = random.Random(seed)
    words = [word_spans(text) for text in comparison.texts]
    with app.app_context():
        session = db.get_session()
        tags = list(
            session.scalars(
                select(models.Tag.id)
                .join(models.TagSet)
                .where(models.TagSet.key == "media-literacy")
            )
        )
        author = models.User(name="Bench Teacher", role="teacher")
        session.add(author)
        session.flush()
        now = models.utcnow()
        annotations, links = [], []
        for number in range(1, count + 1):
            side = number % 2
            text, spans = comparison.texts[side], words[side]
            first = rng.randrange(len(spans) - 12)
            start, end = spans[first][0], spans[first + rng.randrange(1, 12)][1]
            prefix, suffix = context_of(text, start, end)
            annotations.append(
                {
                    "id": number,
                    "public_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "document_id": comparison.document_ids[side],
                    "comparison_id": comparison.comparison_id,
                    "start": start,
                    "end": end,
                    "quote": text[start:end],
                    "prefix": prefix,
                    "suffix": suffix,
                    "note": "Why: the wording, “quoted” 🙂" if number % 3 == 0 else "",
                    "author_id": author.id,
                    "status": "human",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            for tag_id in rng.sample(tags, 1 + (number % 4 == 0)):
                links.append({"annotation_id": number, "tag_id": tag_id})
        session.execute(insert(cast(Table, models.Annotation.__table__)), annotations)
        session.execute(insert(cast(Table, models.AnnotationTag.__table__)), links)
        session.commit()


# --- the server -------------------------------------------------------------------------------


def serve(instance: str, database_url: str, port: int) -> None:
    """Serve the app with a threaded werkzeug server until killed (the child process)."""
    from werkzeug.serving import make_server

    from webapp import create_app

    # Sign-in is not what is measured: every request is let through as a teacher's would be.
    app = create_app({"DATABASE_URL": database_url, "LOGIN_DISABLED": True}, instance_path=instance)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server(HOST, port, app, threaded=True)
    print("ready", flush=True)
    server.serve_forever()


def status_kib(pid: int, field: str) -> int:
    """Return a ``VmRSS``/``VmHWM`` figure of a process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for process {pid}")


def reset_peak(pid: int) -> None:
    """Set the process's peak RSS mark back to its current RSS."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


@dataclass(frozen=True, slots=True)
class Fetch:
    """One export as a client saw it, and the server's memory."""

    first_byte_s: float
    total_s: float
    size: int
    extra_mib: float
    cpu_s: float


def fetch(port: int, path: str, pid: int) -> Fetch:
    """GET ``path`` and time it; measure the server's peak RSS growth meanwhile."""
    reset_peak(pid)
    before = status_kib(pid, "VmRSS")
    cpu_before = cpu_seconds(pid)
    connection = http.client.HTTPConnection(HOST, port, timeout=300)
    began = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    if response.status != 200:
        raise SystemExit(f"GET {path} answered {response.status}")
    size = len(response.read(1))
    first = time.perf_counter() - began
    while chunk := response.read(64 * 1024):
        size += len(chunk)
    total = time.perf_counter() - began
    connection.close()
    extra = (status_kib(pid, "VmHWM") - before) / 1024
    return Fetch(first, total, size, extra, cpu_seconds(pid) - cpu_before)


def cpu_seconds(pid: int) -> float:
    """Return the user + system CPU seconds a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_ready(process: subprocess.Popen[str]) -> None:
    """Wait for the child server to say it listens."""
    assert process.stdout is not None
    line = process.stdout.readline()
    if line.strip() != "ready":
        raise SystemExit(f"the server did not start: {line!r}")


# --- the CLI ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Command:
    """One ``parallax`` command as /usr/bin/time saw it: the whole process, start-up included."""

    wall_s: float
    cpu_s: float
    peak_mib: float


def run_command(instance: Path, database_url: str, args: list[str]) -> Command:
    """Run ``parallax ARGS`` in a fresh process under /usr/bin/time; return its figures."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PARALLAX_")}
    env["PARALLAX_INSTANCE"] = str(instance)
    env["PARALLAX_DATABASE_URL"] = database_url
    command = ["/usr/bin/time", "-f", "TIME %e %U %S %M", str(PARALLAX), *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise SystemExit(f"parallax {' '.join(args)} failed: {done.stderr[-2000:]}")
    line = [row for row in done.stderr.splitlines() if row.startswith("TIME ")][-1]
    wall, user, system, peak_kib = (float(value) for value in line.split()[1:])
    return Command(wall, user + system, peak_kib / 1024)


def cli_export(instance: Path, database_url: str, fmt: str) -> tuple[Command, int]:
    """Run ``parallax export`` once; return its figures and the file's size."""
    output = instance / f"export.{fmt}"
    args = ["export", "--comparison", "1", "--format", fmt, "--output", str(output)]
    figures = run_command(instance, database_url, args)
    size = output.stat().st_size
    output.unlink()
    return figures, size


def cli_import(fresh_db: Path, work: Path, exported: Path) -> Command:
    """Import ``exported`` into a copy of a freshly seeded database with ``parallax import``."""
    database = work / "parallax.sqlite3"
    shutil.copyfile(fresh_db, database)
    try:
        return run_command(
            work, f"sqlite:///{database}", ["import", str(exported), "--comparison", "1"]
        )
    finally:
        database.unlink()


# --- the floor and the phases -----------------------------------------------------------------


def export_sql(app: Flask) -> str:
    """Return the export's own SELECT (its filters, columns and order) as SQLite text."""
    from annotations.storage import bulk

    with app.app_context():
        session = db.get_session()
        query, _ = bulk.annotation_rows(session, comparison_id=1, outside_exercises=True)
        return str(query.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))


def floor_python(database: Path, sql: str, output: Path) -> tuple[float, float]:
    """Run the SELECT with the sqlite3 module, write the rows with csv.writer: wall, CPU."""
    began, cpu = time.perf_counter(), time.process_time()
    connection = sqlite3.connect(database)
    with output.open("w", newline="", encoding="utf-8", buffering=1 << 20) as stream:
        csv.writer(stream).writerows(connection.execute(sql))
    connection.close()
    return time.perf_counter() - began, time.process_time() - cpu


def floor_cli(database: Path, sql: str, output: Path) -> tuple[float, float]:
    """Run the SELECT with the sqlite3 program in CSV mode into a file: wall, CPU."""
    script = f".mode csv\n.output {output}\n{sql};\n"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run(["sqlite3", str(database)], input=script, text=True, check=True)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def phases(app: Flask) -> dict[str, float]:
    """Time each step of an export in this process, in CPU seconds: where the time goes."""
    from annotations.exchange import exporting
    from annotations.exchange import outbound
    from annotations.storage import bulk

    where = {"comparison_id": 1, "outside_exercises": True}
    figures: dict[str, float] = {}
    with app.app_context():
        session = db.get_session()
        query, _ = bulk.annotation_rows(session, **where)
        connection = session.connection()
        began = time.process_time()
        for _ in connection.execute(query.order_by(None)).partitions(2000):
            pass
        figures["query, unsorted"] = time.process_time() - began
        began = time.process_time()
        for _ in connection.execute(query).partitions(2000):
            pass
        figures["query, sorted"] = time.process_time() - began
        began = time.process_time()
        records = list(outbound.iter_records(session, **where))
        figures["query + records"] = time.process_time() - began
        began = time.process_time()
        for _ in exporting.iter_csv(records):
            pass
        figures["CSV text"] = time.process_time() - began
        began = time.process_time()
        for _ in exporting.iter_w3c(records, collection_id="c", base_url=BASE, label="l"):
            pass
        figures["W3C JSON-LD text"] = time.process_time() - began
    return figures


# --- output -----------------------------------------------------------------------------------


def secs(value: float) -> str:
    """Return seconds with two decimals."""
    return f"{value:.2f} s"


def median_fetch(fetches: Sequence[Fetch]) -> Fetch:
    """Return the median of each figure."""
    return Fetch(
        statistics.median(f.first_byte_s for f in fetches),
        statistics.median(f.total_s for f in fetches),
        fetches[0].size,
        statistics.median(f.extra_mib for f in fetches),
        statistics.median(f.cpu_s for f in fetches),
    )


def write_readme(body: str) -> None:
    """Replace the export block of bench/README.md, adding the section if it is missing."""
    text = README.read_text(encoding="utf-8")
    if START not in text:
        text = text.rstrip("\n") + "\n\n" + SECTION
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    README.write_text(f"{before}{START}\n{body}\n{END}{after}", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Build the database, run the exports and imports and print (optionally store) the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotations", type=int, default=100_000, help="annotations to store")
    parser.add_argument(
        "--repeats", type=timed_runs, default=5, help="timed requests and runs per row (≥ 5)"
    )
    parser.add_argument("--seed", type=int, default=20251025, help="random seed")
    parser.add_argument("--write-readme", action="store_true", help="update bench/README.md")
    parser.add_argument("--serve", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve[0], args.serve[1], int(args.serve[2]))
        return 0
    first_load = load_now()
    load = os.getloadavg()[0]
    instance = Path(tempfile.mkdtemp(prefix="parallax-bench-export-"))
    repeats = args.repeats
    try:
        url = f"sqlite:///{instance / 'parallax.sqlite3'}"
        app = make_app(instance, url)
        began = time.perf_counter()
        fill(app, args.annotations, args.seed)
        print(f"stored {args.annotations:,} annotations in {time.perf_counter() - began:.1f} s")
        sql = export_sql(app)
        steps = {name: [] for name in phases(app)}
        for _ in range(repeats):
            for name, value in phases(app).items():
                steps[name].append(value)
        app.extensions["parallax_db"].kw["bind"].dispose()
        rows = []
        database = instance / "parallax.sqlite3"
        floor_out = instance / "floor.csv"
        floors = [floor_python(database, sql, floor_out) for _ in range(repeats)]
        floor_size = floor_out.stat().st_size
        rows.append(
            f"| floor: the export's SELECT, Python `sqlite3` + `csv.writer` to a file | CSV "
            f"| {spread([wall for wall, _ in floors], secs)} "
            f"| {secs(statistics.median(cpu for _, cpu in floors))} | "
            f"| {floor_size / MIB:.1f} MiB | | {load_now()} |"
        )
        if shutil.which("sqlite3"):
            floors = [floor_cli(database, sql, floor_out) for _ in range(repeats)]
            rows.append(
                f"| floor: the same SELECT, `sqlite3 -csv` program to a file | CSV "
                f"| {spread([wall for wall, _ in floors], secs)} "
                f"| {secs(statistics.median(cpu for _, cpu in floors))} | "
                f"| {floor_out.stat().st_size / MIB:.1f} MiB | | {load_now()} |"
            )
        floor_out.unlink(missing_ok=True)
        port = free_port()
        command = [sys.executable, __file__, "--serve", str(instance), url, str(port)]
        server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        try:
            wait_ready(server)
            for fmt in FORMATS:
                path = f"/comparisons/1/export.{fmt}"
                warm = fetch(port, path, server.pid)
                results = [fetch(port, path, server.pid) for _ in range(repeats)]
                # Memory: the largest growth, which is the first request's in a fresh server.
                extra = max(f.extra_mib for f in (warm, *results))
                result = dataclasses.replace(median_fetch(results), extra_mib=extra)
                print(f"  HTTP {fmt}: {result}")
                totals = [f.total_s for f in results]
                ok = statistics.median(totals) < TARGET_TOTAL_S[fmt]
                rows.append(
                    f"| HTTP `GET {path}` | {FORMATS[fmt]} | {spread(totals, secs)} {check(ok)} "
                    f"| {secs(result.cpu_s)} | < {TARGET_TOTAL_S[fmt]:g} s "
                    f"| {result.size / MIB:.1f} MiB | +{extra:.0f} MiB, first byte "
                    f"{result.first_byte_s * 1000:.0f} ms | {load_now()} |"
                )
        finally:
            server.terminate()
            server.wait(timeout=10)
        for fmt in FORMATS:
            runs_cli = [cli_export(instance, url, fmt) for _ in range(repeats)]
            walls = [figures.wall_s for figures, _ in runs_cli]
            cpu = statistics.median(figures.cpu_s for figures, _ in runs_cli)
            peak = max(figures.peak_mib for figures, _ in runs_cli)
            ok = statistics.median(walls) < TARGET_TOTAL_S[fmt]
            print(f"  CLI {fmt}: wall {statistics.median(walls):.2f} s, CPU {cpu:.2f} s")
            rows.append(
                f"| `/usr/bin/time parallax export --format {fmt}` | {FORMATS[fmt]} "
                f"| {spread(walls, secs)} {check(ok)} | {secs(cpu)} | < {TARGET_TOTAL_S[fmt]:g} s "
                f"| {runs_cli[0][1] / MIB:.1f} MiB | peak RSS {peak:.0f} MiB | {load_now()} |"
            )
        imports = import_rows(instance, url, repeats)
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    step_rows = [f"| {name} | {spread(values, secs)} |" for name, values in steps.items()]
    body = "\n".join(
        [
            machine(load),
            "",
            f"SQLite, {args.annotations:,} annotations, {repeats} timed runs of each row "
            f"(HTTP: after one untimed request). Before the run: {first_load}; each row ends "
            "with the load average after it. Wall times are what a user waits for and what the "
            "targets judge; CPU is the process's user + system time (the server's for HTTP), "
            "which the other work on the machine changes less.",
            "",
            "| Export | format | wall: median (min–max) | CPU | target | size | memory "
            "| load after |",
            "|---|---|---|---|---|---|---|---|",
            *rows,
            "",
            "Where an export's time goes, in one process (CPU seconds, median (min–max)):",
            "",
            "| step | CPU |",
            "|---|---|",
            *step_rows,
            "",
            "| Import (`/usr/bin/time parallax import FILE --comparison 1`, fresh seeded "
            "database) | file | wall: median (min–max) | CPU | target | peak RSS "
            "(target < 200 MiB) | load after |",
            "|---|---|---|---|---|---|---|",
            *imports,
        ]
    )
    print()
    print(body)
    if args.write_readme:
        write_readme(body)
        print(f"\nwrote {README.relative_to(ROOT)}")
    return 0


def import_rows(instance: Path, url: str, repeats: int) -> list[str]:
    """Export JSON and W3C JSON-LD once, then import each into fresh databases; table rows."""
    fresh = instance / "fresh"
    fresh.mkdir()
    app = make_app(fresh, f"sqlite:///{fresh / 'parallax.sqlite3'}")
    app.extensions["parallax_db"].kw["bind"].dispose()
    fresh_db = fresh / "seeded.sqlite3"
    (fresh / "parallax.sqlite3").rename(fresh_db)
    rows = []
    for fmt, name in (("json", "Parallax JSON"), ("jsonld", "W3C JSON-LD")):
        exported = instance / f"import.{fmt}"
        args = ["export", "--comparison", "1", "--format", fmt, "--output", str(exported)]
        run_command(instance, url, args)
        runs = [cli_import(fresh_db, fresh, exported) for _ in range(repeats)]
        walls = [figures.wall_s for figures in runs]
        cpu = statistics.median(figures.cpu_s for figures in runs)
        peak = max(figures.peak_mib for figures in runs)
        ok = statistics.median(walls) < TARGET_IMPORT_S
        print(f"  import {fmt}: wall {statistics.median(walls):.2f} s, peak {peak:.0f} MiB")
        rows.append(
            f"| {name} | {exported.stat().st_size / MIB:.1f} MiB | {spread(walls, secs)} "
            f"{check(ok)} | {secs(cpu)} | < {TARGET_IMPORT_S:g} s "
            f"| {peak:.0f} MiB {check(peak < TARGET_IMPORT_MIB)} | {load_now()} |"
        )
        exported.unlink()
    return rows


if __name__ == "__main__":
    raise SystemExit(main())
