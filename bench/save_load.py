"""Benchmark saving annotations through the JSON API behind gunicorn, on SQLite and PostgreSQL.

For each database: a fresh, migrated and seeded database; gunicorn on 127.0.0.1 (a free port,
sync workers, two per core) serving ``webapp:create_app()``; a teacher signed in once through
the login form; then N clients that each start from the teacher's session cookie, fetch the
comparison page once (CSRF token, as a browser does) and save new annotations back to back
for a fixed time. Reports saves/s, latency percentiles, errors, and
whether the annotation rows added equal the saves acknowledged with 201.

    .venv/bin/python bench/save_load.py --write-readme
    .venv/bin/python bench/save_load.py --databases sqlite --clients 50 --duration 5
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from contextlib import AbstractContextManager
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import IO
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from server_page import README  # noqa: E402
from server_page import ROOT as REPO_ROOT  # noqa: E402
from server_page import SeedComparison  # noqa: E402
from server_page import check  # noqa: E402
from server_page import machine  # noqa: E402
from server_page import make_annotation_input  # noqa: E402
from server_page import make_app  # noqa: E402
from server_page import percentile  # noqa: E402
from server_page import seed_comparison  # noqa: E402
from server_page import word_spans  # noqa: E402
from server_page import write_readme_block  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy import make_url  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from annotations.framing import taxonomy  # noqa: E402
from annotations.storage import accounts  # noqa: E402
from annotations.storage.checks import AnnotationInput  # noqa: E402
from webapp.db import get_session  # noqa: E402

HOST = "127.0.0.1"
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TAG_SET_KEY = "media-literacy"
TEACHER = "bench-teacher"
TEACHER_PASSWORD = "load-test-" + secrets.token_hex(8)
REQUEST_TIMEOUT = 10.0
# Four workers importing the app on two busy cores can take half a minute to answer.
STARTUP_TIMEOUT_S = 90.0
MAX_SAVES_PER_RUN = 200_000
WARMUP_CLIENTS = 10
WARMUP_SECONDS = 2.0
TARGET_SAVES = {"SQLite (WAL)": 400.0, "PostgreSQL": 300.0}
TARGET_P99_MS = {50: 150.0, 10: 50.0}
_CSRF_META = re.compile(rb'<meta name="csrf-token" content="([^"]+)"')
_CSRF_INPUT = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')


# --- the database -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Database:
    """A fresh database for one benchmark: its label and SQLAlchemy URL."""

    label: str
    url: str


@contextmanager
def sqlite_database(instance: Path) -> Iterator[Database | str]:
    """Yield a SQLite database file in ``instance`` (the app turns WAL on per connection)."""
    yield Database("SQLite (WAL)", f"sqlite:///{instance / 'parallax.sqlite3'}")


@contextmanager
def postgres_database(base: str) -> Iterator[Database | str]:
    """Yield a fresh schema of ``base`` as a Database, dropped after; or why it is unusable."""
    schema = f"parallax_bench_{secrets.token_hex(6)}"
    admin = create_engine(base, poolclass=NullPool, connect_args={"connect_timeout": 5})
    try:
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    except OperationalError as exc:
        admin.dispose()
        yield f"cannot reach {make_url(base)}: {str(exc.orig).strip().splitlines()[0]}"
        return
    try:
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield Database("PostgreSQL", url.render_as_string(hide_password=False))
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def count_annotations(url: str, exercise_id: int | None = None) -> int:
    """Return how many annotation rows the database holds (of one exercise, live, if given)."""
    query = "SELECT count(*) FROM annotation"
    if exercise_id is not None:
        query += f" WHERE exercise_id = {int(exercise_id)} AND deleted_at IS NULL"
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(query)).scalar_one())
    finally:
        engine.dispose()


def stored_ids(url: str) -> set[str]:
    """Return the public ids of the annotations the database holds."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return set(connection.execute(text("SELECT public_id FROM annotation")).scalars())
    finally:
        engine.dispose()


# --- the server -------------------------------------------------------------------------------


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(
    database: Database, instance: Path, workers: int, env: Mapping[str, str] | None = None
) -> Iterator[int]:
    """Run gunicorn with sync workers on a free port of 127.0.0.1; yield the port.

    ``env`` adds environment variables for the server (``PARALLAX_*`` ones set app config).
    The server is stopped (and waited for) when the block ends, whatever happens in it.
    """
    port = free_port()
    env = {**os.environ, **(env or {}), "PARALLAX_DATABASE_URL": database.url}
    # gunicorn evaluates literal arguments of the factory call, which is how the instance
    # folder reaches create_app (Flask reads no environment variable for it).
    app_spec = f"webapp:create_app(instance_path={str(instance)!r})"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--chdir",
        str(REPO_ROOT),
        "--log-level",
        "warning",
        "--timeout",
        "30",
        "--graceful-timeout",
        "5",
        app_spec,
    ]
    with open(instance / "gunicorn.log", "w+b") as log:
        process = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            wait_until_listening(port, process, log)
            yield port
        finally:
            stop(process)
            written = read_log(log).strip()
            if written:
                tail = "\n".join(written.splitlines()[-20:])
                print(f"gunicorn wrote (last 20 lines):\n{tail}", file=sys.stderr)


def wait_until_listening(port: int, process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    """Wait up to ``STARTUP_TIMEOUT_S`` for gunicorn to answer on ``port``; fail if it exits."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}:\n{read_log(log)}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/static/css/app.css")
            connection.getresponse().read()
            connection.close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer on {HOST}:{port} within {STARTUP_TIMEOUT_S:g} s")


def read_log(log: IO[bytes]) -> str:
    """Return what gunicorn wrote so far."""
    log.seek(0)
    return log.read().decode("utf-8", "replace")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the gunicorn master we started (it stops its workers) and wait for it."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        # The master did not stop its workers in time: end the group it leads.
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# --- the load ---------------------------------------------------------------------------------


@dataclass(slots=True)
class ClientResult:
    """What one client saw: acknowledged saves (ids, latencies) and the errors by kind."""

    latencies_ms: list[float] = field(default_factory=list)
    acked_ids: list[str] = field(default_factory=list)
    replays: int = 0
    errors: Counter[str] = field(default_factory=Counter)


def save_payload(data: AnnotationInput) -> dict[str, Any]:
    """Return the JSON body that saves ``data`` (an ``AnnotationInput``) as a new annotation."""
    return {
        "public_id": data.public_id,
        "comparison_id": data.comparison_id,
        "start": data.start,
        "end": data.end,
        "quote": data.quote,
        "tag_set_key": data.tag_set_key,
        "tag_keys": list(data.tag_keys),
        "note": data.note,
    }


class Client:
    """One browser-like client: a session cookie, a CSRF token and a connection.

    ``page`` is the page it reads its CSRF token from (and names as the Referer of saves);
    ``extra`` holds fields added to every annotation it saves.
    """

    def __init__(
        self, port: int, seed: SeedComparison, rng: random.Random, signed_in: SimpleCookie
    ) -> None:
        self.port = port
        self.seed = seed
        self.page = f"/comparisons/{seed.comparison_id}"
        self.extra: dict[str, Any] = {}
        self.rng = rng
        self.words = (word_spans(seed.texts[0]), word_spans(seed.texts[1]))
        tag_set = taxonomy.get_builtin(TAG_SET_KEY)
        assert tag_set is not None
        self.tag_keys = [tag.key for tag in tag_set.tags]
        # A copy of the teacher's signed-in session: the page adds this client's CSRF token.
        self.cookies: SimpleCookie = SimpleCookie()
        for name, morsel in signed_in.items():
            self.cookies[name] = morsel.value
        self.token = ""
        self.connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)

    def _cookie_header(self) -> str:
        return "; ".join(f"{name}={morsel.value}" for name, morsel in self.cookies.items())

    def _keep_cookies(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(header)

    def open_page(self) -> None:
        """GET the page and keep its session cookie and CSRF token."""
        cookie = self._cookie_header()
        self.connection.request("GET", self.page, headers={"Cookie": cookie} if cookie else {})
        response = self.connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {self.page} answered {response.status}")
        self._keep_cookies(response)
        match = _CSRF_META.search(body)
        if match is None:
            raise RuntimeError(f"{self.page} has no csrf-token meta tag")
        self.token = match.group(1).decode()

    def save(self) -> tuple[int, bytes]:
        """POST one new annotation; return the status and the body."""
        _, status, answer = self.save_with_id()
        return status, answer

    def save_with_id(self) -> tuple[str, int, bytes]:
        """POST one new annotation; return its public id, the status and the body."""
        side = self.rng.randrange(2)
        data = make_annotation_input(self.rng, self.seed, self.words, self.tag_keys, side=side)
        payload = {**save_payload(data), **self.extra}
        headers = {
            "Content-Type": "application/json",
            "X-CSRFToken": self.token,
            "Cookie": self._cookie_header(),
            # Flask-WTF checks the Referer of HTTPS requests only; sent anyway as browsers do.
            "Referer": f"http://{HOST}:{self.port}{self.page}",
        }
        body = json.dumps(payload).encode()
        self.connection.request(
            "POST", f"/api/documents/{data.document_id}/annotations", body, headers
        )
        response = self.connection.getresponse()
        answer = response.read()
        self._keep_cookies(response)
        return data.public_id, response.status, answer

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()


def sign_in(port: int) -> SimpleCookie:
    """Sign the bench teacher in through the login form; return the session cookie it got."""
    cookies: SimpleCookie = SimpleCookie()

    def request(method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        headers = {"Cookie": "; ".join(f"{k}={m.value}" for k, m in cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        answer = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
        connection.close()
        return response.status, answer

    status, page = request("GET", "/login")
    match = _CSRF_INPUT.search(page)
    if status != 200 or match is None:
        raise SystemExit(f"GET /login answered {status} without a CSRF token")
    form = urlencode(
        {"csrf_token": match.group(1).decode(), "username": TEACHER, "password": TEACHER_PASSWORD}
    )
    status, _ = request("POST", "/login", form.encode())
    if status != 302:
        raise SystemExit(f"signing in as {TEACHER} answered {status}, not a redirect")
    return cookies


def add_teacher(app: Flask) -> None:
    """Store the teacher the clients sign in as."""
    with app.app_context():
        session = get_session()
        accounts.create_user(
            session,
            username=TEACHER,
            name="Bench Teacher",
            password=TEACHER_PASSWORD,
            role="teacher",
        )
        session.commit()


def get_ready(
    prepare: Callable[[], object], ready: threading.Barrier, result: ClientResult, step: str
) -> bool:
    """Run a client's ``prepare`` step, then wait at ``ready`` for the others; True if all did.

    A failure is counted in ``result`` under ``step`` and breaks the barrier for everyone.
    """
    try:
        prepare()
    except (OSError, RuntimeError, http.client.HTTPException) as exc:
        result.errors[f"{step}: {exc}"] += 1
        ready.abort()
        return False
    try:
        ready.wait()
    except threading.BrokenBarrierError:
        result.errors[f"another client failed its {step} step"] += 1
        return False
    return True


def run_client(
    client: Client,
    ready: threading.Barrier,
    clock: dict[str, float],
    budget: list[int],
    lock: threading.Lock,
    result: ClientResult,
) -> None:
    """Save annotations back to back until the deadline or until the run's budget is spent."""
    if not get_ready(client.open_page, ready, result, "page"):
        return
    deadline = clock["deadline"]
    try:
        while time.perf_counter() < deadline:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            began = time.perf_counter()
            try:
                public_id, status, answer = client.save_with_id()
            except (OSError, http.client.HTTPException) as exc:
                result.errors[type(exc).__name__] += 1
                client.close()
                continue
            except Exception as exc:
                # A client that breaks is an error in the table, not a thread that stops quietly.
                result.errors[f"client failed: {type(exc).__name__}: {exc}"] += 1
                return
            elapsed = (time.perf_counter() - began) * 1000
            if status == 201:
                result.latencies_ms.append(elapsed)
                result.acked_ids.append(public_id)
            elif status == 200:
                result.replays += 1
            else:
                result.errors[f"{status} {error_name(answer)}"] += 1
    finally:
        client.close()


def error_name(answer: bytes) -> str:
    """Return the short error of an API answer (its ``error`` and start of ``message``)."""
    try:
        data = json.loads(answer)
        return f"{data.get('error')}: {str(data.get('message'))[:80]}"
    except (ValueError, AttributeError):
        return answer[:80].decode("utf-8", "replace")


@dataclass(frozen=True, slots=True)
class LoadResult:
    """One load run: its settings, what the clients saw, and the rows it added."""

    database: str
    clients: int
    seconds: float
    latencies_ms: tuple[float, ...]
    replays: int
    errors: Counter[str]
    # Rows the run added: how many, and how many of them are acknowledged saves (by id).
    rows_added: int
    acked_stored: int
    load_cpu_s: float
    # With wrk: the 201 answers it counted and its p50 and p99 (wrk keeps no latency list).
    wrk_acks: int | None = None
    wrk_percentiles_ms: tuple[float, float] | None = None
    # Saves wrk sent that were still unanswered when it stopped: stored or not, unacknowledged.
    in_flight: int = 0

    @property
    def rows_match(self) -> bool:
        """Return True if every acknowledged save is stored, and the other rows were in flight.

        A row the run added that no 201 acknowledged can only be a save wrk sent and then cut
        off at its stop, before the answer came.
        """
        unacknowledged = self.rows_added - self.acked_stored
        return self.acked_stored == self.acks and unacknowledged <= self.in_flight

    @property
    def acks(self) -> int:
        """Return the saves acknowledged with 201."""
        return len(self.latencies_ms) if self.wrk_acks is None else self.wrk_acks

    @property
    def p50(self) -> float:
        """Return the median latency of the 201 answers, in ms."""
        if self.wrk_percentiles_ms is not None:
            return self.wrk_percentiles_ms[0]
        return statistics.median(self.latencies_ms or (float("nan"),))

    @property
    def p99(self) -> float:
        """Return the 99th percentile latency, in ms."""
        if self.wrk_percentiles_ms is not None:
            return self.wrk_percentiles_ms[1]
        return percentile(self.latencies_ms or (float("nan"),), 0.99)

    @property
    def error_count(self) -> int:
        """Return the failed saves (replays count as failures too: none should happen)."""
        return sum(self.errors.values()) + self.replays

    @property
    def rate(self) -> float:
        """Return acknowledged saves per second."""
        return self.acks / self.seconds if self.seconds else 0.0


def run_load(
    database: Database,
    port: int,
    seed: SeedComparison,
    signed_in: SimpleCookie,
    clients: int,
    seconds: float,
    rng_seed: int,
) -> LoadResult:
    """Run ``clients`` clients saving for ``seconds`` and check the rows they added."""
    before = stored_ids(database.url)
    clock = {"began": 0.0, "deadline": 0.0}

    def start_clock() -> None:
        # Runs once every client has its token, before any is released, so the page GETs
        # stay out of the timed window and every client sees the same deadline.
        clock["began"] = time.perf_counter()
        clock["deadline"] = clock["began"] + seconds

    ready = threading.Barrier(clients + 1, action=start_clock)
    budget = [MAX_SAVES_PER_RUN]
    lock = threading.Lock()
    results = [ClientResult() for _ in range(clients)]
    threads = [
        threading.Thread(
            target=run_client,
            args=(
                Client(port, seed, random.Random(f"{rng_seed}-{clients}-{number}"), signed_in),
                ready,
                clock,
                budget,
                lock,
                results[number],
            ),
            daemon=True,
        )
        for number in range(clients)
    ]
    for thread in threads:
        thread.start()
    cpu_before = time.process_time()
    try:
        ready.wait(timeout=60)
    except threading.BrokenBarrierError:
        clock["began"] = time.perf_counter()
    for thread in threads:
        thread.join(timeout=seconds + REQUEST_TIMEOUT + 30)
    elapsed = time.perf_counter() - clock["began"]
    load_cpu = time.process_time() - cpu_before
    errors: Counter[str] = Counter()
    for result in results:
        errors.update(result.errors)
    if any(thread.is_alive() for thread in threads):
        errors["client still running after the run"] += 1
    added = stored_ids(database.url) - before
    return LoadResult(
        database=database.label,
        clients=clients,
        seconds=elapsed,
        latencies_ms=tuple(latency for result in results for latency in result.latencies_ms),
        replays=sum(result.replays for result in results),
        errors=errors,
        rows_added=len(added),
        acked_stored=sum(len(added.intersection(result.acked_ids)) for result in results),
        load_cpu_s=load_cpu,
    )


WRK_SCRIPT = Path(__file__).with_name("save_load.lua")
WRK_THREADS = 2
WRK_SAVES_PER_SECOND = 3000  # prepared saves per second of a run: more than any run makes


def run_load_wrk(
    database: Database,
    port: int,
    seed: SeedComparison,
    signed_in: SimpleCookie,
    clients: int,
    seconds: float,
    rng_seed: int,
    folder: Path,
) -> LoadResult:
    """Run wrk with ``clients`` connections for ``seconds`` and check the rows they added.

    The saves are prepared here (new UUIDs, random word spans and tags, as the Python
    clients make them) and written one a line; the Lua script sends each once.
    """
    client = Client(port, seed, random.Random(f"{rng_seed}-{clients}"), signed_in)
    client.open_page()
    client.close()
    rng = random.Random(f"wrk-{rng_seed}-{clients}")
    lines = []
    for _ in range(int(seconds * WRK_SAVES_PER_SECOND)):
        side = rng.randrange(2)
        data = make_annotation_input(rng, seed, client.words, client.tag_keys, side=side)
        body = json.dumps(save_payload(data))
        lines.append(f"/api/documents/{data.document_id}/annotations\t{body}\n")
    saves = folder / f"saves-{clients}.txt"
    saves.write_text("".join(lines), encoding="utf-8")
    before = stored_ids(database.url)
    threads = min(WRK_THREADS, clients)
    command = [
        "wrk",
        f"--threads={threads}",
        f"--connections={clients}",
        f"--duration={seconds:g}s",
        f"--timeout={REQUEST_TIMEOUT:g}s",
        f"--script={WRK_SCRIPT}",
        f"http://{HOST}:{port}",
        "--",
        str(saves),
        client._cookie_header(),
        client.token,
        str(threads),
    ]
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    saves.unlink()
    if done.returncode != 0:
        raise SystemExit(f"wrk failed: {done.stderr.strip() or done.stdout.strip()}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    errors: Counter[str] = Counter()
    if figures["failed"]:
        errors["answers other than 201 and 200"] = figures["failed"]
    for name in ("connect", "read", "write", "timeout"):
        if figures[name]:
            errors[f"socket {name} errors"] = figures[name]
    if figures["ran_out"]:
        errors["prepared saves sent twice (raise WRK_SAVES_PER_SECOND)"] = figures["ran_out"]
    cpu = (after.ru_utime + after.ru_stime) - (usage.ru_utime + usage.ru_stime)
    added = stored_ids(database.url) - before
    acked = figures["acked_ids"]
    if len(acked) != figures["created"] or len(set(acked)) != len(acked):
        errors["201 answers without their own annotation id"] += 1
    return LoadResult(
        database=database.label,
        clients=clients,
        seconds=figures["duration_us"] / 1e6,
        latencies_ms=(),
        replays=figures["replayed"],
        errors=errors,
        rows_added=len(added),
        acked_stored=len(added.intersection(acked)),
        load_cpu_s=cpu,
        wrk_acks=figures["created"],
        wrk_percentiles_ms=(figures["p50_us"] / 1000, figures["p99_us"] / 1000),
        in_flight=max(
            0, figures["sent"] - figures["created"] - figures["replayed"] - figures["failed"]
        ),
    )


# --- one database -----------------------------------------------------------------------------


def bench_database(
    database: Database,
    instance: Path,
    client_counts: Sequence[int],
    seconds: float,
    workers: int,
    generator: str = "threads",
) -> list[LoadResult]:
    """Seed ``database``, serve it with gunicorn and run the load for each client count."""
    app = make_app(instance, database.url)
    seed = seed_comparison(app)
    add_teacher(app)
    if database.url.startswith("sqlite"):
        # WAL is a property of the file, so a fresh connection shows what the app set.
        engine = create_engine(database.url, poolclass=NullPool)
        with engine.connect() as connection:
            mode = connection.execute(text("PRAGMA journal_mode")).scalar_one()
        engine.dispose()
        if mode != "wal":
            raise SystemExit(f"the SQLite database is in {mode} mode, not WAL")
    app.extensions["parallax_db"].kw["bind"].dispose()
    results = []
    with gunicorn(database, instance, workers) as port:
        signed_in = sign_in(port)
        warmup = run_load(
            database, port, seed, signed_in, WARMUP_CLIENTS, WARMUP_SECONDS, rng_seed=0
        )
        if warmup.error_count or not warmup.rows_match:
            print(f"  warm-up: {warmup.acks} acks, {warmup.rows_added} rows, {dict(warmup.errors)}")
        for number, clients in enumerate(client_counts, start=1):
            if generator == "wrk":
                result = run_load_wrk(
                    database, port, seed, signed_in, clients, seconds, number, instance
                )
            else:
                result = run_load(
                    database, port, seed, signed_in, clients, seconds, rng_seed=number
                )
            print(summary_line(result))
            results.append(result)
    return results


def summary_line(result: LoadResult) -> str:
    """Return one line describing a run for the terminal."""
    errors = ", ".join(f"{count}× {name}" for name, count in result.errors.most_common(4))
    return (
        f"  {result.database}, {result.clients} clients, {result.seconds:.1f} s: "
        f"{result.acks} acks ({result.rate:.0f}/s), p50 {result.p50:.1f} ms, "
        f"p99 {result.p99:.1f} ms, rows added {result.rows_added} "
        f"({result.acked_stored} of them acknowledged), "
        f"errors {result.error_count}{' (' + errors + ')' if errors else ''}"
    )


# --- output -----------------------------------------------------------------------------------


def stored_cell(result: LoadResult) -> str:
    """Return the rows added and the acknowledged saves among them."""
    if result.acked_stored == result.acks:
        return f"{result.rows_added:,} = {result.acks:,}"
    return f"{result.rows_added:,}: only {result.acked_stored:,} of {result.acks:,} acks stored"


def format_results(
    results: Sequence[LoadResult],
    skipped: Sequence[str],
    workers: int,
    seconds: float,
    load: float,
    generator: str = "threads",
) -> str:
    """Return the README block: the machine line, notes and one table."""
    rows = [
        "| Database | clients | saves/s | target | p50 | p99 | target | errors | "
        "rows = 201 acks, by id | load generator CPU |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    notes: list[str] = []
    for result in results:
        p99 = result.p99
        rate_target = TARGET_SAVES.get(result.database) if result.clients == 50 else None
        rate_cell = (
            f"≥ {rate_target:.0f} {check(result.rate >= rate_target)}" if rate_target else ""
        )
        p99_target = TARGET_P99_MS.get(result.clients)
        p99_cell = f"< {p99_target:.0f} ms {check(p99 < p99_target)}" if p99_target else ""
        extra = result.rows_added - result.acked_stored
        cut_off = f" + {extra} of {result.in_flight} in flight at the stop" if extra > 0 else ""
        rows.append(
            f"| {result.database} | {result.clients} | {result.rate:.0f} | {rate_cell} "
            f"| {result.p50:.1f} ms | {p99:.1f} ms | {p99_cell} "
            f"| {result.error_count} {check(result.error_count == 0)} "
            f"| {stored_cell(result)}{cut_off} {check(result.rows_match)} "
            f"| {result.load_cpu_s / result.seconds:.0%} of a core |"
        )
        for name, count in result.errors.most_common():
            notes.append(f"- {result.database}, {result.clients} clients: {count}× {name}")
        if result.replays:
            notes.append(
                f"- {result.database}, {result.clients} clients: {result.replays} replays (200)"
            )
    setting = (
        f"gunicorn {gunicorn_version()}, {workers} sync workers on 127.0.0.1, each run "
        f"{seconds:g} s; CSRF on (every save sends the session cookie and X-CSRFToken); "
        + (
            f"load from wrk {wrk_version()} ({WRK_THREADS} threads, one connection a client)."
            if generator == "wrk"
            else "load from one Python thread a client (http.client)."
        )
    )
    return results_block(load, setting, rows, notes, skipped)


def results_block(
    load: float, setting: str, rows: Sequence[str], notes: Sequence[str], skipped: Sequence[str]
) -> str:
    """Return a README block: the machine line, the run's setting, the table, errors, skips."""
    lines = [machine(load), "", setting, "", *rows]
    if notes:
        lines += ["", "Errors:", "", *notes]
    for reason in skipped:
        lines += ["", f"Skipped: {reason}"]
    return "\n".join(lines)


def wrk_version() -> str:
    """Return the installed wrk's version."""
    done = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    words = (done.stdout + done.stderr).split()
    return words[1] if len(words) > 1 else "?"


def gunicorn_version() -> str:
    """Return the installed gunicorn's version."""
    from importlib.metadata import version

    return version("gunicorn")


def _exit_on_signal(number: int, frame: object) -> None:
    raise SystemExit(128 + number)


def stop_on_sigterm() -> None:
    """Make SIGTERM raise SystemExit, so the finally blocks that stop gunicorn still run."""
    signal.signal(signal.SIGTERM, _exit_on_signal)


def add_server_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of every gunicorn benchmark: databases, workers, server, README."""
    parser.add_argument(
        "--databases", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql"
    )
    parser.add_argument(
        "--workers", type=int, default=2 * len(os.sched_getaffinity(0)), help="gunicorn workers"
    )
    parser.add_argument("--postgres-url", default=POSTGRES_URL, help="PostgreSQL server to use")
    parser.add_argument("--write-readme", action="store_true", help="update bench/README.md")


def database_names(parser: argparse.ArgumentParser, value: str) -> list[str]:
    """Return the databases of a ``--databases`` value, or stop with a usage error."""
    names = value.split(",")
    for name in names:
        if name not in ("sqlite", "postgresql"):
            parser.error(f"unknown database {name!r}")
    return names


@contextmanager
def fresh_database(
    name: str, postgres_url: str, skipped: list[str]
) -> Iterator[tuple[Database, Path] | None]:
    """Yield a fresh ``sqlite`` or ``postgresql`` database and a temporary instance folder.

    Both are removed when the block ends. None is yielded, and the reason printed and added
    to ``skipped``, when the PostgreSQL server cannot be used.
    """
    instance = Path(tempfile.mkdtemp(prefix="parallax-bench-"))
    try:
        chosen: AbstractContextManager[Database | str]
        if name == "sqlite":
            chosen = sqlite_database(instance)
        else:
            chosen = postgres_database(postgres_url)
        with chosen as database:
            if isinstance(database, str):
                print(f"PostgreSQL skipped: {database}")
                skipped.append(f"PostgreSQL: {database}")
                yield None
            else:
                yield database, instance
    finally:
        shutil.rmtree(instance, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark on each database and print (and optionally store) its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_server_arguments(parser)
    parser.add_argument("--clients", default="50,10", help="client counts, comma-separated")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per run")
    parser.add_argument(
        "--load-generator",
        choices=("wrk", "threads"),
        default="wrk" if shutil.which("wrk") else "threads",
        help="wrk (Debian's wrk, the default when on PATH) or Python threads",
    )
    args = parser.parse_args(argv)
    names = database_names(parser, args.databases)
    stop_on_sigterm()
    load = os.getloadavg()[0]
    client_counts = [int(value) for value in args.clients.split(",")]
    if any(count < 1 for count in client_counts) or not 0 < args.duration <= 120:
        parser.error("client counts must be positive and --duration between 0 and 120 s")

    results: list[LoadResult] = []
    skipped: list[str] = []
    for name in names:
        with fresh_database(name, args.postgres_url, skipped) as chosen:
            if chosen is None:
                continue
            database, instance = chosen
            print(f"{database.label}: gunicorn with {args.workers} sync workers")
            results += bench_database(
                database, instance, client_counts, args.duration, args.workers, args.load_generator
            )

    body = format_results(results, skipped, args.workers, args.duration, load, args.load_generator)
    print()
    print(body)
    if args.write_readme:
        write_readme_block("save-load", body)
        print(f"\nwrote {README.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
