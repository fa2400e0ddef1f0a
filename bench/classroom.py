"""Benchmark a class tagging at once while the teacher's progress view refreshes, per database.

For each database: a fresh, migrated and seeded database with a teacher and an open exercise
on the seed comparison; gunicorn on 127.0.0.1 (a free port, sync workers, two per core) with
sign-in and CSRF on and the sign-in rate limit off; then N student threads that join through
the ``/join`` form, read their work page once (CSRF token) and save a new annotation every
2 s, and one teacher thread that signs in through ``/login`` and GETs the exercise's progress
JSON every 2 s. Reports save and progress latency percentiles, errors, and whether the
exercise's annotation rows (and the progress view's total) equal the saves acknowledged.
Each run starts on a fresh database and a new server; the class runs at least five times.
Cold is each client's first request of the timed window (a server just started, whose workers
have only served the sign-ins), warm every later one; each is reported as the median over
the runs of its per-run figure, with the lowest and highest run.

    .venv/bin/python bench/classroom.py --write-readme
    .venv/bin/python bench/classroom.py --databases sqlite --students 10 --duration 10
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from save_load import HOST  # noqa: E402
from save_load import REQUEST_TIMEOUT  # noqa: E402
from save_load import Client  # noqa: E402
from save_load import ClientResult  # noqa: E402
from save_load import Database  # noqa: E402
from save_load import add_server_arguments  # noqa: E402
from save_load import count_annotations  # noqa: E402
from save_load import database_names  # noqa: E402
from save_load import error_name  # noqa: E402
from save_load import fresh_database  # noqa: E402
from save_load import get_ready  # noqa: E402
from save_load import gunicorn  # noqa: E402
from save_load import gunicorn_version  # noqa: E402
from save_load import results_block  # noqa: E402
from save_load import stop_on_sigterm  # noqa: E402
from server_page import README  # noqa: E402
from server_page import ROOT as REPO_ROOT  # noqa: E402
from server_page import TAG_SET_KEY  # noqa: E402
from server_page import SeedComparison  # noqa: E402
from server_page import check  # noqa: E402
from server_page import make_app  # noqa: E402
from server_page import percentile  # noqa: E402
from server_page import seed_comparison  # noqa: E402
from server_page import write_readme_block  # noqa: E402
from timing import load as load_average  # noqa: E402
from timing import runs  # noqa: E402
from timing import spread as over_runs  # noqa: E402

from annotations.classroom import exercises  # noqa: E402
from annotations.storage import accounts  # noqa: E402
from webapp.db import get_session  # noqa: E402

INTERVAL_S = 2.0
TARGET_SAVE_P99_MS = 50.0
TARGET_PROGRESS_P99_MS = 150.0
MAX_STUDENTS = 200
MAX_DURATION_S = 300.0
SETUP_TIMEOUT_S = 120.0
TEACHER = {"username": "bench.teacher", "password": "tide pools at dawn"}
STUDENT_PASSWORD = "my class password"
# The server's config through its environment (create_app reads PARALLAX_* as JSON values):
# all sign-ins of the run come from 127.0.0.1, which the per-address limit would refuse.
SERVER_ENV = {"PARALLAX_RATELIMIT_ENABLED": "false"}
SECTION_START = "<!-- classroom-results:start -->"
SECTION_END = "<!-- classroom-results:end -->"
SECTION_TEMPLATE = f"""{SECTION_START}
## Classroom load: `bench/classroom.py`

```sh
.venv/bin/python bench/classroom.py --write-readme      # 5 runs of a minute per database
.venv/bin/python bench/classroom.py --databases sqlite --students 10 --duration 10
```

The target of the classroom exercises: a class of 40 students tagging at once while the
teacher's progress view refreshes, with p99 save under 50 ms, p99 progress view under 150 ms
and no annotation lost. The app runs under gunicorn on 127.0.0.1 as in `save_load.py` (fresh
SQLite or PostgreSQL schema, sync workers, two per core) with sign-in and CSRF on; the
sign-in rate limit is turned off for the run (`PARALLAX_RATELIMIT_ENABLED=false` in
gunicorn's environment), since 40 joins from one address within a minute would hit its 10
per minute. Before the timed window the script stores a teacher
(`annotations.storage.accounts.create_user`) and an open exercise on the seed comparison
(`annotations.classroom.exercises.create_exercise`, `set_state`); each student thread GETs `/join`
(session cookie, CSRF token), POSTs the join code, a name and a password, and GETs its work
page `/exercises/<id>/work` for the new session's CSRF token; the teacher thread signs in
through `/login`. In the timed window every student POSTs a new annotation (new UUID, random
word-aligned span of one of the two exercise articles, random Media literacy tags,
`exercise_id` and `comparison_id` set) to `/api/documents/<id>/annotations` every 2 s, the
students' first saves spread evenly over the first 2 s; the teacher GETs
`/api/exercises/<id>/progress` every 2 s. A request that takes longer than 2 s delays only
that client's next one. A save counts as acknowledged on 201 and a progress request on 200;
anything else, a connection error or a 10 s timeout is an error. After the window the
exercise's live annotation rows are counted in the database and compared with the
acknowledged saves, and one more progress request (not timed) must report the same total.
The clients run on the same two cores as the server. With 30 progress requests in a minute,
their p99 (nearest rank) is the slowest of them and their p95 the slowest but one. The class
runs five times (`--runs`), each on a fresh database and a new gunicorn. Cold is each
client's first request of the timed window (the workers have only served the sign-ins), warm
every later one; a cell is the median over the runs of that run's figure, with the lowest
and highest run, and the targets are judged on cold and on warm.

<!-- classroom:start -->
(not run yet)
<!-- classroom:end -->
{SECTION_END}"""


# --- the exercise -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Classroom:
    """The stored exercise the class works on: its id, join code and two articles."""

    exercise_id: int
    join_code: str
    articles: SeedComparison


def make_classroom(instance: Path, database: Database) -> Classroom:
    """Migrate and seed ``database``, then store a teacher and an open exercise on the seeds."""
    app = make_app(instance, database.url)
    seed = seed_comparison(app)
    with app.app_context():
        session = get_session()
        teacher = accounts.create_user(session, name="Bench Teacher", role="teacher", **TEACHER)
        exercise = exercises.create_exercise(
            session,
            teacher_id=teacher.id,
            comparison_id=seed.comparison_id,
            tag_set_key=TAG_SET_KEY,
            title="Classroom load",
        )
        exercises.set_state(session, exercise, "open")
        session.commit()
        classroom = Classroom(
            exercise.id,
            exercise.join_code,
            SeedComparison(
                seed.comparison_id,
                (exercise.doc_a_id, exercise.doc_b_id),
                (exercise.doc_a.text, exercise.doc_b.text),
            ),
        )
    app.extensions["parallax_db"].kw["bind"].dispose()
    return classroom


# --- the clients ------------------------------------------------------------------------------


class Browser(Client):
    """A signed-in browser: a Client that can also submit forms and GET JSON."""

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[int, str]:
        """POST a form with the CSRF token; keep the cookies; return the status and Location."""
        body = urllib.parse.urlencode({**fields, "csrf_token": self.token}).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": self._cookie_header(),
            "Referer": f"http://{HOST}:{self.port}{path}",
        }
        self.connection.request("POST", path, body, headers)
        response = self.connection.getresponse()
        response.read()
        self._keep_cookies(response)
        return response.status, response.getheader("Location") or ""

    def sign_in(self, path: str, fields: dict[str, str], then: str) -> None:
        """Fill in the sign-in form at ``path``, expect a redirect, then read the page ``then``.

        Signing in starts a new session, so the CSRF token of ``then`` is the one kept.
        """
        self.page = path
        self.open_page()
        status, location = self.post_form(path, fields)
        if status != 302:
            raise RuntimeError(f"POST {path} answered {status}, not a redirect")
        if urllib.parse.urlsplit(location).path == path:
            raise RuntimeError(f"POST {path} sent the browser back to {location}")
        self.page = then
        self.open_page()

    def get_json(self, path: str) -> tuple[int, bytes]:
        """GET ``path`` with the session cookie; return the status and body."""
        self.connection.request("GET", path, headers={"Cookie": self._cookie_header()})
        response = self.connection.getresponse()
        answer = response.read()
        self._keep_cookies(response)
        return response.status, answer


@dataclass(slots=True)
class Clock:
    """The timed window every client shares, set once all of them are signed in."""

    began: float = 0.0
    deadline: float = 0.0


Step = Callable[[], tuple[int, bytes]]


def paced(clock: Clock, offset: float, step: Step, ok: int, result: ClientResult) -> None:
    """Call ``step`` every INTERVAL_S from ``clock.began + offset`` until the deadline.

    ``step`` returns the status and body (or raises OSError / HTTPException); its latency is
    kept when the status is ``ok``, every other outcome counted as an error.
    """
    next_at = clock.began + offset
    while next_at < clock.deadline:
        time.sleep(max(0.0, next_at - time.perf_counter()))
        began = time.perf_counter()
        try:
            status, answer = step()
        except (OSError, http.client.HTTPException) as exc:
            result.errors[type(exc).__name__] += 1
            next_at += INTERVAL_S
            continue
        except Exception as exc:
            # A client that breaks is an error in the table, not a thread that stops quietly.
            result.errors[f"client failed: {type(exc).__name__}: {exc}"] += 1
            return
        elapsed = (time.perf_counter() - began) * 1000
        if status == ok:
            result.latencies_ms.append(elapsed)
        else:
            result.errors[f"{status} {error_name(answer)}"] += 1
        next_at += INTERVAL_S


def run_client(
    browser: Browser,
    sign_in: dict[str, Any],
    ready: threading.Barrier,
    clock: Clock,
    offset: float,
    step: Step,
    ok: int,
    result: ClientResult,
) -> None:
    """Sign ``browser`` in (``sign_in``: Browser.sign_in's arguments), wait for all, then pace."""
    if not get_ready(lambda: browser.sign_in(**sign_in), ready, result, "sign-in"):
        browser.close()
        return
    try:
        paced(clock, offset, step, ok, result)
    finally:
        browser.close()


# --- one run ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClassResult:
    """One class run on one database: what the clients saw and what was stored."""

    database: str
    students: int
    duration: float
    seconds: float
    saves_ms: tuple[float, ...]
    first_saves_ms: tuple[float, ...]
    progress_ms: tuple[float, ...]
    errors: Counter[str]
    rows: int
    last_total: int | None
    load_cpu_s: float

    @property
    def lost(self) -> bool:
        """Return True unless the rows and the progress view's total equal the saves acked."""
        acked = len(self.saves_ms) + len(self.first_saves_ms)
        return self.rows != acked or self.last_total != acked


def progress_total(answer: bytes) -> int:
    """Return the annotations summed over the students of a progress answer."""
    return sum(int(student["annotations"]) for student in json.loads(answer)["students"])


def run_class(
    database: Database, port: int, classroom: Classroom, students: int, seconds: float
) -> ClassResult:
    """Run ``students`` students and one teacher for ``seconds`` and count what was stored."""
    clock = Clock()

    def start_clock() -> None:
        # Runs once every client is signed in, before any is released.
        clock.began = time.perf_counter()
        clock.deadline = clock.began + seconds

    ready = threading.Barrier(students + 2, action=start_clock)
    exercise_id = classroom.exercise_id
    progress_path = f"/api/exercises/{exercise_id}/progress"
    work_path = f"/exercises/{exercise_id}/work"
    threads = []
    results: list[ClientResult] = []
    for number in range(students):
        browser = Browser(
            port, classroom.articles, random.Random(f"classroom-{number}"), SimpleCookie()
        )
        browser.extra = {"exercise_id": exercise_id}
        results.append(ClientResult())
        join = {"code": classroom.join_code, "name": f"Student {number + 1:02d}"}
        sign_in = {"path": "/join", "fields": {**join, "password": STUDENT_PASSWORD}}
        offset = INTERVAL_S * number / students
        threads.append((browser, {**sign_in, "then": work_path}, offset, browser.save, 201))
    teacher = Browser(port, classroom.articles, random.Random("teacher"), SimpleCookie())
    teacher_result = ClientResult()
    results.append(teacher_result)
    teacher_page = {"path": "/login", "fields": TEACHER, "then": f"/exercises/{exercise_id}"}
    threads.append((teacher, teacher_page, 0.0, lambda: teacher.get_json(progress_path), 200))
    running = [
        threading.Thread(
            target=run_client,
            args=(browser, sign_in, ready, clock, offset, step, ok, result),
            daemon=True,
        )
        for (browser, sign_in, offset, step, ok), result in zip(threads, results, strict=True)
    ]
    for thread in running:
        thread.start()
    cpu_before = time.process_time()
    try:
        ready.wait(timeout=SETUP_TIMEOUT_S)
    except threading.BrokenBarrierError:
        clock.began = time.perf_counter()
    for thread in running:
        thread.join(timeout=seconds + INTERVAL_S + REQUEST_TIMEOUT + 30)
    elapsed = time.perf_counter() - clock.began
    load_cpu = time.process_time() - cpu_before
    errors: Counter[str] = Counter()
    for result in results:
        errors.update(result.errors)
    if any(thread.is_alive() for thread in running):
        errors["client still running after the run"] += 1
    last_total = None
    try:
        status, answer = teacher.get_json(progress_path)
        if status == 200:
            last_total = progress_total(answer)
        else:
            errors[f"final progress: {status} {error_name(answer)}"] += 1
    except (OSError, http.client.HTTPException) as exc:
        errors[f"final progress: {type(exc).__name__}"] += 1
    finally:
        teacher.close()
    student_results = results[:-1]
    return ClassResult(
        database=database.label,
        students=students,
        duration=seconds,
        seconds=elapsed,
        # Each student's first save of the window is the cold one, the rest warm.
        saves_ms=tuple(ms for result in student_results for ms in result.latencies_ms[1:]),
        first_saves_ms=tuple(
            result.latencies_ms[0] for result in student_results if result.latencies_ms
        ),
        progress_ms=tuple(teacher_result.latencies_ms),
        errors=errors,
        rows=count_annotations(database.url, exercise_id),
        last_total=last_total,
        load_cpu_s=load_cpu,
    )


# --- output -----------------------------------------------------------------------------------


def spread(values: Sequence[float]) -> tuple[float, float, float]:
    """Return the p50, p95 and p99 of ``values`` (NaN when there are none)."""
    values = values or (float("nan"),)
    return statistics.median(values), percentile(values, 0.95), percentile(values, 0.99)


def summary_line(result: ClassResult) -> str:
    """Return one line describing a run for the terminal."""
    saves, progress = spread(result.saves_ms), spread(result.progress_ms[1:])
    cold = spread(result.first_saves_ms)
    errors = ", ".join(f"{count}× {name}" for name, count in result.errors.most_common(4))
    first_view = result.progress_ms[0] if result.progress_ms else float("nan")
    return (
        f"  {result.database}, {result.students} students, {result.seconds:.1f} s: "
        f"first saves p99 {cold[2]:.1f} ms, {len(result.saves_ms)} later saves "
        f"(p50 {saves[0]:.1f}, p99 {saves[2]:.1f} ms), first progress {first_view:.1f} ms, "
        f"later progress p99 {progress[2]:.1f} ms, rows {result.rows}, "
        f"last total {result.last_total}, "
        f"errors {result.errors.total()}{' (' + errors + ')' if errors else ''}"
    )


def _ms(value: float) -> str:
    return f"{value:.1f} ms"


def format_results(
    results: Sequence[Sequence[ClassResult]],
    skipped: Sequence[str],
    workers: int,
    load: float,
    loads: tuple[str, str],
) -> str:
    """Return the README block: the machine line, notes and one table (a row a database)."""
    rows = [
        "| Database | students × runs | saves | first save p99 (cold) | later saves p50 "
        "| later saves p99 (warm) | target | first progress view (cold) "
        "| later progress p99 (warm) | target | errors | rows = acks = progress total "
        "| load generator CPU |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    notes: list[str] = []
    for database_runs in results:
        if not database_runs:
            continue
        first = database_runs[0]
        cold_save = [spread(run.first_saves_ms)[2] for run in database_runs]
        warm_p50 = [spread(run.saves_ms)[0] for run in database_runs]
        warm_save = [spread(run.saves_ms)[2] for run in database_runs]
        cold_view = [
            run.progress_ms[0] if run.progress_ms else float("nan") for run in database_runs
        ]
        warm_view = [spread(run.progress_ms[1:])[2] for run in database_runs]
        acks = sum(len(run.saves_ms) + len(run.first_saves_ms) for run in database_runs)
        rows_stored = sum(run.rows for run in database_runs)
        errors = sum(run.errors.total() for run in database_runs)
        lost = any(run.lost for run in database_runs)
        cpu = statistics.median(run.load_cpu_s / run.seconds for run in database_runs)

        def judged(values: list[float], target: float) -> str:
            return check(statistics.median(values) < target)

        rows.append(
            f"| {first.database} | {first.students} × {len(database_runs)} | {acks:,} "
            f"| {over_runs(cold_save, _ms)} | {over_runs(warm_p50, _ms)} "
            f"| {over_runs(warm_save, _ms)} "
            f"| < {TARGET_SAVE_P99_MS:.0f} ms: cold {judged(cold_save, TARGET_SAVE_P99_MS)}, "
            f"warm {judged(warm_save, TARGET_SAVE_P99_MS)} "
            f"| {over_runs(cold_view, _ms)} | {over_runs(warm_view, _ms)} "
            f"| < {TARGET_PROGRESS_P99_MS:.0f} ms: "
            f"cold {judged(cold_view, TARGET_PROGRESS_P99_MS)}, "
            f"warm {judged(warm_view, TARGET_PROGRESS_P99_MS)} "
            f"| {errors} {check(errors == 0)} "
            f"| {rows_stored:,} = {acks:,} {check(not lost)} "
            f"| {cpu:.0%} of a core |"
        )
        for number, run in enumerate(database_runs, 1):
            for name, count in run.errors.most_common():
                notes.append(f"- {run.database}, run {number}: {count}× {name}")
    setting = (
        f"gunicorn {gunicorn_version()}, {workers} sync workers on 127.0.0.1; sign-in and CSRF "
        f"on, sign-in rate limit off; every student saves and the teacher's progress view "
        f"refreshes every {INTERVAL_S:g} s for {first.duration:g} s a run. Cells: the median "
        "over the runs of each run's figure (lowest–highest, runs). "
        f"Before: {loads[0]}; after: {loads[1]}."
        if any(results)
        else ""
    )
    return results_block(load, setting, rows, notes, skipped)


# --- main -------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the class on each database and print (and optionally store) the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_server_arguments(parser)
    parser.add_argument("--students", type=int, default=40, help="students in the class")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of tagging")
    parser.add_argument(
        "--runs", type=runs, default=5, help="classes a database, each on a fresh server (≥ 5)"
    )
    args = parser.parse_args(argv)
    names = database_names(parser, args.databases)
    if not 1 <= args.students <= MAX_STUDENTS:
        parser.error(f"--students must be between 1 and {MAX_STUDENTS}")
    if not INTERVAL_S <= args.duration <= MAX_DURATION_S:
        parser.error(f"--duration must be between {INTERVAL_S:g} and {MAX_DURATION_S:g} s")
    stop_on_sigterm()
    load = os.getloadavg()[0]
    load_before = load_average()

    results: list[list[ClassResult]] = []
    skipped: list[str] = []
    for name in names:
        database_runs: list[ClassResult] = []
        for number in range(args.runs):
            with fresh_database(name, args.postgres_url, skipped) as chosen:
                if chosen is None:
                    break
                database, instance = chosen
                print(f"{database.label}, run {number + 1}: gunicorn, {args.workers} sync workers")
                classroom = make_classroom(instance, database)
                with gunicorn(database, instance, args.workers, SERVER_ENV) as port:
                    result = run_class(database, port, classroom, args.students, args.duration)
                print(summary_line(result))
                database_runs.append(result)
        results.append(database_runs)

    body = format_results(results, skipped, args.workers, load, (load_before, load_average()))
    print()
    print(body)
    if args.write_readme:
        write_readme_block(
            "classroom", body, section=(SECTION_START, SECTION_END, SECTION_TEMPLATE)
        )
        print(f"\nwrote {README.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
