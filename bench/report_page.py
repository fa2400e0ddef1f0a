"""Benchmark the exercise pages that add a class up: report, PDF, results and heatmap.

A fresh SQLite database (migrated and seeded), a teacher, an open exercise on the seed
comparison, 40 students with 100 annotations each (4,000 in all, random word-aligned spans,
one to three tags) and a 40-annotation key; then each page is requested with the Flask test
client by the signed-in teacher. Cold: the first request of a new server process (templates
not yet compiled, lazy imports not yet made, no pooled connection), each in a process of its
own, at least five times. Warm: the same process again, after three untimed requests.

    .venv/bin/python bench/report_page.py --write-readme
    .venv/bin/python bench/report_page.py --students 40 --per-student 100 --repeats 20
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from server_page import README  # noqa: E402
from server_page import check  # noqa: E402
from server_page import machine  # noqa: E402
from server_page import make_annotation_input  # noqa: E402
from server_page import make_app  # noqa: E402
from server_page import percentile  # noqa: E402
from server_page import seed_comparison  # noqa: E402
from server_page import word_spans  # noqa: E402
from timing import load as load_average  # noqa: E402
from timing import runs  # noqa: E402
from timing import spread  # noqa: E402

from annotations.classroom import exercises  # noqa: E402
from annotations.storage import accounts  # noqa: E402
from annotations.storage import models  # noqa: E402
from annotations.storage import saving  # noqa: E402
from annotations.storage import tagsets  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.db import get_session  # noqa: E402

PASSWORD = "benchmark teacher password"
TARGET_MS = 300.0
MARKERS = ("<!-- report-page:start -->", "<!-- report-page:end -->")
SECTION = """## The exercise report: `bench/report_page.py`

```sh
.venv/bin/python bench/report_page.py --write-readme
```

A fresh SQLite database, a teacher, an open exercise on the seed comparison, 40 students
with 100 random annotations each (4,000, one to three tags, spans of 1 to 30 words) and a
40-annotation key. The signed-in teacher requests each page with the Flask test client (the
server's work, no network). Cold is the first request of a new process (a server just
started: templates compiled, lazy imports such as the PDF's made, the database connection
opened on the way), each in a process of its own; warm is the same page again in one
process, after three untimed requests. Both are what a user waits for, and the target is
judged on each. The report counts
tags by source and student, ranks passages, computes Krippendorff's alpha over 40 students'
sentence-level decisions and pairwise F1 for 780 pairs of students, and matches every
student against the key.

"""


def build(instance: Path, students: int, per_student: int, seed: int) -> tuple[Flask, int]:
    """Return the app and the id of an exercise filled with a class's work."""
    # The page timings are the point here; the form tokens are tested elsewhere.
    app = make_app(instance, **SETTINGS)
    comparison = seed_comparison(app)
    rng = random.Random(seed)
    words = (word_spans(comparison.texts[0]), word_spans(comparison.texts[1]))
    with app.app_context():
        session = get_session()
        teacher = accounts.create_user(
            session, username="teacher", name="Teacher", password=PASSWORD, role="teacher"
        )
        exercise = exercises.create_exercise(
            session,
            teacher_id=teacher.id,
            comparison_id=comparison.comparison_id,
            tag_set_key="media-literacy",
            title="Benchmark class",
        )
        exercises.set_state(session, exercise, "open")
        tag_set = tagsets.get_tag_set(session, "media-literacy")
        assert tag_set is not None
        tag_keys = [tag.key for tag in tag_set.tags]

        def add(author_id: int, count: int) -> None:
            for number in range(count):
                data = make_annotation_input(rng, comparison, words, tag_keys, side=number % 2)
                data = dataclasses.replace(data, exercise_id=exercise.id)
                saving.add_annotation(session, data, author_id=author_id)

        add(teacher.id, 40)
        for number in range(students):
            # The password hash is irrelevant here and scrypt would cost 50 ms a student.
            user = models.User(name=f"Student {number + 1:02d}", role="student", password_hash="-")
            session.add(user)
            session.flush()
            session.add(
                models.ExerciseMember(
                    exercise_id=exercise.id, user_id=user.id, name_key=f"student {number}"
                )
            )
            add(user.id, per_student)
        session.commit()
        return app, exercise.id


SETTINGS = {"RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False}


def signed_in_client(app: Flask) -> FlaskClient:
    """Return a test client of ``app`` signed in as the teacher."""
    client = app.test_client()
    response = client.post("/login", data={"username": "teacher", "password": PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"sign-in failed: {response.status_code}")
    return client


def time_pages(
    app: Flask, paths: Sequence[str], repeats: int
) -> list[tuple[str, list[float], int]]:
    """Return each path with its warm durations (ms) and its body size."""
    client = signed_in_client(app)
    results = []
    for path in paths:
        times: list[float] = []
        size = 0
        count = repeats if not path.endswith(".pdf") else max(5, repeats // 4)
        for number in range(3 + count):
            began = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - began) * 1000
            if response.status_code != 200:
                raise SystemExit(f"GET {path} answered {response.status_code}")
            size = len(response.get_data())
            if number >= 3:
                times.append(elapsed)
        results.append((path, times, size))
    return results


def cold_once(instance: Path, path: str) -> float:
    """In this new process: open the stored app, sign in, and time the first GET of ``path``."""
    url = f"sqlite:///{instance / 'parallax.sqlite3'}"
    app = create_app({"DATABASE_URL": url, **SETTINGS}, instance_path=str(instance))
    client = signed_in_client(app)
    began = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - began) * 1000
    if response.status_code != 200:
        raise SystemExit(f"GET {path} answered {response.status_code}")
    return elapsed


def time_cold(instance: Path, paths: Sequence[str], count: int) -> dict[str, list[float]]:
    """Return each path's cold durations (ms): ``count`` new processes a path, in turn."""
    times: dict[str, list[float]] = {path: [] for path in paths}
    for _ in range(count):
        for path in paths:
            result = subprocess.run(
                [sys.executable, __file__, "--cold", str(instance), path],
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise SystemExit(f"cold GET {path} failed:\n{result.stderr[-2000:]}")
            times[path].append(float(result.stdout.strip().splitlines()[-1]))
    return times


def write_readme(body: str) -> None:
    """Replace this benchmark's block in bench/README.md, adding its section if missing."""
    text = README.read_text(encoding="utf-8")
    start, end = MARKERS
    if start not in text:
        text = text.rstrip("\n") + "\n\n" + SECTION + f"{start}\n{end}\n"
    before, rest = text.split(start, 1)
    after = rest.split(end, 1)[1]
    README.write_text(f"{before}{start}\n{body}\n{end}{after}", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print (or store) its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--per-student", type=int, default=100)
    parser.add_argument(
        "--repeats", type=runs, default=20, help="warm requests a page (the PDF: a quarter)"
    )
    parser.add_argument(
        "--cold-runs", type=runs, default=5, help="cold requests a page, each a new process"
    )
    parser.add_argument("--seed", type=int, default=20251025)
    parser.add_argument("--write-readme", action="store_true")
    parser.add_argument("--cold", nargs=2, metavar=("INSTANCE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.cold:
        print(f"{cold_once(Path(args.cold[0]), args.cold[1]):.3f}")
        return 0
    load = os.getloadavg()[0]
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="parallax-report-") as folder:
        began = time.perf_counter()
        app, exercise_id = build(Path(folder), args.students, args.per_student, args.seed)
        built = time.perf_counter() - began
        app.extensions["parallax_db"].kw["bind"].dispose()
        paths = [
            f"/exercises/{exercise_id}/report",
            f"/exercises/{exercise_id}/results",
            f"/exercises/{exercise_id}/heatmap",
            f"/exercises/{exercise_id}",
            f"/exercises/{exercise_id}/report.pdf",
        ]
        cold = time_cold(Path(folder), paths, args.cold_runs)
        rows = time_pages(app, paths, args.repeats)
    load_after = load_average()
    total = args.students * args.per_student

    def ms(value: float) -> str:
        return f"{value:.1f} ms"

    lines = [
        machine(load),
        "",
        f"SQLite; {args.students} students x {args.per_student} annotations = {total:,} "
        f"plus a 40-annotation key (built in {built:.1f} s). Cold: the first request of a new "
        f"process, {args.cold_runs} processes a page; warm: {args.repeats} requests in one "
        "process after 3 untimed ones (the PDF: a quarter as many, at least 5). Median "
        f"(lowest–highest). Before: {load_before}; after: {load_after}.",
        "",
        "| Page | cold | warm | warm p95 | size | target |",
        "|---|---|---|---|---|---|",
    ]
    for path, times, size in rows:
        target = ""
        if path.endswith("/report"):
            cold_ok = statistics.median(cold[path]) < TARGET_MS
            warm_ok = statistics.median(times) < TARGET_MS
            target = f"< {TARGET_MS:.0f} ms: cold {check(cold_ok)}, warm {check(warm_ok)}"
        lines.append(
            f"| `{path}` | {spread(cold[path], ms)} | {spread(times, ms)} "
            f"| {percentile(times, 0.95):.1f} ms | {size / 1024:.1f} KB | {target} |"
        )
    table = "\n".join(lines)
    print(table)
    if args.write_readme:
        write_readme(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
