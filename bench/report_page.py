"""Benchmark the exercise pages that add a class up: report, PDF, results and heatmap.

A fresh SQLite database (migrated and seeded), a teacher, an open exercise on the seed
comparison, 40 students with 100 annotations each (4,000 in all, random word-aligned spans,
one to three tags) and a 40-annotation key; then each page is requested with the Flask test
client by the signed-in teacher, a few times untimed and then timed.

    .venv/bin/python bench/report_page.py --write-readme
    .venv/bin/python bench/report_page.py --students 40 --per-student 100 --repeats 20
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from flask import Flask

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

from annotations.classroom import exercises  # noqa: E402
from annotations.storage import accounts  # noqa: E402
from annotations.storage import models  # noqa: E402
from annotations.storage import saving  # noqa: E402
from annotations.storage import tagsets  # noqa: E402
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
server's work, no network): three untimed requests, then the timed ones. The report counts
tags by source and student, ranks passages, computes Krippendorff's alpha over 40 students'
sentence-level decisions and pairwise F1 for 780 pairs of students, and matches every
student against the key.

"""


def build(instance: Path, students: int, per_student: int, seed: int) -> tuple[Flask, int]:
    """Return the app and the id of an exercise filled with a class's work."""
    # The page timings are the point here; the form tokens are tested elsewhere.
    app = make_app(instance, RATELIMIT_ENABLED=False, WTF_CSRF_ENABLED=False)
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


def time_pages(
    app: object, paths: Sequence[str], repeats: int
) -> list[tuple[str, list[float], int]]:
    """Return each path with its timed durations (ms) and its body size."""
    client = app.test_client()
    response = client.post("/login", data={"username": "teacher", "password": PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"sign-in failed: {response.status_code}")
    results = []
    for path in paths:
        times: list[float] = []
        size = 0
        runs = repeats if not path.endswith(".pdf") else max(3, repeats // 4)
        for number in range(3 + runs):
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
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20251025)
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="parallax-report-") as folder:
        began = time.perf_counter()
        app, exercise_id = build(Path(folder), args.students, args.per_student, args.seed)
        built = time.perf_counter() - began
        paths = [
            f"/exercises/{exercise_id}/report",
            f"/exercises/{exercise_id}/results",
            f"/exercises/{exercise_id}/heatmap",
            f"/exercises/{exercise_id}",
            f"/exercises/{exercise_id}/report.pdf",
        ]
        rows = time_pages(app, paths, args.repeats)
    total = args.students * args.per_student
    lines = [
        machine(load),
        "",
        f"SQLite; {args.students} students x {args.per_student} annotations = {total:,} "
        f"plus a 40-annotation key (built in {built:.1f} s); medians of {args.repeats} timed "
        "requests after 3 untimed ones (the PDF: a quarter as many).",
        "",
        "| Page | median | p95 | size | target |",
        "|---|---|---|---|---|",
    ]
    for path, times, size in rows:
        median = statistics.median(times)
        target = ""
        if path.endswith("/report"):
            target = f"< {TARGET_MS:.0f} ms {check(median < TARGET_MS)}"
        lines.append(
            f"| `{path}` | {median:.1f} ms | {percentile(times, 0.95):.1f} ms "
            f"| {size / 1024:.1f} KB | {target} |"
        )
    table = "\n".join(lines)
    print(table)
    if args.write_readme:
        write_readme(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
