"""Bounded work per request: a 5 MB upload end to end, and hostile nested HTML.

Times ``POST /comparisons/new`` with a 5 MB ``.txt`` upload as the first article and a short
pasted second one, through the Flask test client on a fresh SQLite database (decoding,
sentence splitting, alignment and storage: everything but the network), and the ingest of
60,000 and 100,000 nested ``<div>`` elements. Target: under 5 s for the upload, well inside
gunicorn's 30 s worker timeout; the nested HTML refused or parsed in under 2 s.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotations.errors import InputError  # noqa: E402
from annotations.storage.models import Base  # noqa: E402
from annotations.text.ingest import MAX_BYTES  # noqa: E402
from annotations.text.ingest import ingest_text  # noqa: E402
from bench.timing import MIN_RUNS  # noqa: E402
from bench.timing import load  # noqa: E402
from bench.timing import runs  # noqa: E402
from bench.timing import spread  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp import db  # noqa: E402

MARKERS = ("<!-- ingest-limits:start -->", "<!-- ingest-limits:end -->")


def five_megabytes() -> bytes:
    """Return just under MAX_BYTES of varied article text (the seed articles, numbered)."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    sentences = [s for text in seeds for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]
    parts: list[str] = []
    size = 0
    number = 0
    while True:
        sentence = f"In part {number}, {sentences[number % len(sentences)]} "
        if size + len(sentence.encode()) > MAX_BYTES - 1024:
            break
        parts.append(sentence)
        size += len(sentence.encode())
        if number % 12 == 11:
            parts.append("\n\n")
            size += 2
        number += 1
    return "".join(parts).encode("utf-8")


def time_upload(body: bytes) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "TESTING": True,
                "WTF_CSRF_ENABLED": False,
                "LOGIN_DISABLED": True,
                # Measured to the end: under the default limit a slow run would stop at 20 s.
                "WORK_TIME_LIMIT": 0,
                "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            },
            instance_path=f"{folder}/instance",
        )
        with app.app_context():
            Base.metadata.create_all(db.get_engine())
        client = app.test_client()
        data = {
            "title": "Five megabytes",
            "articles-0-file": (io.BytesIO(body), "long.txt"),
            "articles-1-text": "The council met on Tuesday. It approved the budget. " * 20,
        }
        started = time.perf_counter()
        response = client.post("/comparisons/new", data=data, content_type="multipart/form-data")
        elapsed = time.perf_counter() - started
        db_engine = None
        with app.app_context():
            db_engine = db.get_engine()
        db_engine.dispose()
        return elapsed, response.status_code


def time_nested(levels: int) -> tuple[float, str]:
    html = "<html><body>" + "<div>" * levels + "<p>The tide is high.</p>" + "</div>" * levels
    started = time.perf_counter()
    try:
        ingest_text(html, source_format="html")
        outcome = "parsed"
    except InputError:
        outcome = "refused (422)"
    return time.perf_counter() - started, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=runs, default=MIN_RUNS)
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args()
    before = load()
    body = five_megabytes()
    uploads = [time_upload(body) for _ in range(args.runs)]
    statuses = sorted({status for _, status in uploads})
    rows = [
        "| What | time | outcome |",
        "|---|---|---|",
        f"| `POST /comparisons/new`, {len(body) / 2**20:.2f} MiB `.txt` upload "
        f"| {spread([t for t, _ in uploads], lambda s: f'{s:.2f} s')} "
        f"| HTTP {', '.join(map(str, statuses))} |",
    ]
    for levels in (60_000, 100_000):
        timed = [time_nested(levels) for _ in range(args.runs)]
        rows.append(
            f"| ingest of {levels:,} nested `<div>`s "
            f"| {spread([t for t, _ in timed], lambda s: f'{s * 1000:.1f} ms')} "
            f"| {timed[0][1]} |"
        )
    table = "\n".join(
        [
            f"Run {time.strftime('%Y-%m-%d')}; Python {sys.version.split()[0]}; "
            f"{before} before, {load()} after.",
            "",
            *rows,
        ]
    )
    print(table)
    if args.write_readme:
        readme = ROOT / "bench" / "README.md"
        text = readme.read_text(encoding="utf-8")
        start, end = MARKERS
        head, _, rest = text.partition(start)
        _, _, tail = rest.partition(end)
        readme.write_text(f"{head}{start}\n{table}\n{end}{tail}", encoding="utf-8")


if __name__ == "__main__":
    main()
