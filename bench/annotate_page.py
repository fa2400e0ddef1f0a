"""Benchmark the annotation screen in Chromium with 1,000 annotations on the seed comparison.

Stores the seed comparison and 1,000 annotations (random word-aligned spans of both articles,
overlapping as they fall) in a fresh SQLite database, serves the app on 127.0.0.1, opens the
comparison page in headless Debian Chromium through Playwright and measures:

- page load: from navigation start to every highlight drawn (annotate.js's
  ``annotations:drawn`` event), cold in a new browser context each time (an empty cache, a
  first visit) and warm on reloading it in that context (scripts and styles in the cache,
  revalidated with 304 answers), and how
  many ``<mark>`` elements that took;
- a new tag: from the Enter key press that saves a tagged selection to the highlight the
  server acknowledged (no ``<mark>`` left pending), and to the next animation frame after it;
  the unsaved placeholder drawn before the request is sent is reported but not judged.

    .venv/bin/python bench/annotate_page.py --annotations 1000 --repeats 10 --write-readme
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
import threading
import time
import uuid
from collections.abc import Iterator
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from sqlalchemy import select  # noqa: E402
from timing import load  # noqa: E402
from timing import runs  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from annotations.storage import checks  # noqa: E402
from annotations.storage import comparisons  # noqa: E402
from annotations.storage import models  # noqa: E402
from annotations.storage import saving  # noqa: E402
from annotations.storage import tagsets  # noqa: E402
from annotations.text.ingest import ingest_text  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp import db  # noqa: E402

README = Path(__file__).resolve().parent / "README.md"
START_MARKER = "<!-- annotate-page:start -->"
END_MARKER = "<!-- annotate-page:end -->"
SECTION_TITLE = "## The annotation screen in a browser: `bench/annotate_page.py`"
TAG_SET = "media-literacy"
NEW_TAG_TARGET_MS = 100.0
DESCRIPTION = """\
Stores 1,000 random word-aligned annotations (one or two tags, overlapping as they fall) on
the seed comparison in a fresh SQLite database, serves the app on 127.0.0.1 (Werkzeug's
threaded server, not gunicorn) and opens the comparison page in headless Chromium. Page load
runs from navigation start to annotate.js's `annotations:drawn` event (it includes fetching
the tag set and the 1,000 annotations): cold in a new browser context each time (an empty
cache, as a first visit), warm on reloading the page in that context (scripts and styles
in the cache, revalidated with 304 answers; the annotations fetched again); the drawing alone
is the `annotate:draw` performance measure. A new tag
runs from the Enter key that saves a tagged sentence (a capture-phase listener) to the
highlight the server acknowledged: the first DOM change after which no `<mark>` is still
pending (drawn unsaved), and to the animation frame after that. The pending mark drawn before
the request is sent is shown too, but the target judges the saved one. Sign-in is off, so
each save is stored before the next is timed. Medians with the lowest and highest run."""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]

# Installed before the page's scripts: times the Enter key (capture phase on window runs
# before annotate.js's listener on document) and the first new highlight after it.
PROBE = """
window.__bench = {
  pressed: null, drawn: null, frame: null, saved: null, savedFrame: null, loadDrawn: null,
  marks: 0,
};
document.addEventListener("annotations:drawn", () => {
  window.__bench.loadDrawn = performance.now();
  const draw = performance.getEntriesByName("annotate:draw");
  window.__bench.draw = draw.length ? draw[draw.length - 1].duration : null;
  window.__bench.marks = document.querySelectorAll("mark.hl").length;
});
window.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && window.__bench.armed) {
    window.__bench.pressed = performance.now();
  }
}, true);
new MutationObserver((records) => {
  const bench = window.__bench;
  if (bench.pressed === null) {
    return;
  }
  if (bench.drawn === null) {
    const added = records.some((record) => Array.from(record.addedNodes).some(
      (node) => node.nodeType === 1 && node.matches("mark.hl.is-pending")));
    if (added) {
      bench.drawn = performance.now();
      requestAnimationFrame(() => { bench.frame = performance.now(); });
    }
    return;
  }
  // Saved: the server answered and the highlight is drawn as stored (none left pending).
  if (bench.saved === null && !document.querySelector("mark.hl.is-pending")) {
    bench.saved = performance.now();
    requestAnimationFrame(() => { bench.savedFrame = performance.now(); });
  }
}).observe(document, {
  childList: true, subtree: true, attributes: true, attributeFilter: ["class"],
});
"""

RESET = (
    "Object.assign(window.__bench, "
    "{pressed: null, drawn: null, frame: null, saved: null, savedFrame: null, armed: false})"
)

# Select the whole of sentence `index` of column `side` (scrolled into view) as a person would.
SELECT_SENTENCE = """
([side, index]) => {
  const column = document.querySelector(`.doc-column[data-side="${side}"] .doc-text`);
  const sentences = column.querySelectorAll("[data-start][tabindex]");
  const target = sentences[index % sentences.length];
  target.scrollIntoView({ block: "center" });
  const range = document.createRange();
  range.selectNodeContents(target);
  const selection = getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  return sentences.length;
}
"""


@dataclass(frozen=True, slots=True)
class Result:
    """What one benchmark run measured."""

    annotations: int
    words: int
    marks: int
    html_bytes: int
    load_ms: list[float]
    warm_load_ms: list[float]
    draw_ms: list[float]
    new_tag_ms: list[float]
    new_tag_frame_ms: list[float]
    saved_ms: list[float]
    saved_frame_ms: list[float]


def make_app(instance: str) -> Flask:
    """Create the app on a fresh SQLite file with the tables, tag sets and seed comparison."""
    # Sign-in off, so that the saves are stored (as a signed-in teacher's would be); CSRF on.
    app = create_app({"WTF_CSRF_ENABLED": True, "LOGIN_DISABLED": True}, instance_path=instance)
    with app.app_context():
        models.Base.metadata.create_all(db.get_engine())
    outcome = app.test_cli_runner().invoke(args=["seed"])
    if outcome.exit_code != 0:
        raise SystemExit(f"parallax seed failed: {outcome.output}")
    return app


def word_spans(text: str) -> list[tuple[int, int]]:
    """Return the [start, end) of every word of ``text``."""
    return [(m.start(), m.end()) for m in re.finditer(r"\w[\w'’-]*", text)]


def lengthen(app: Flask, times: int) -> int:
    """Store a comparison of the seed articles, each repeated ``times`` times; return its id."""
    with app.app_context():
        session = db.get_session()
        seed = session.scalars(select(models.Comparison).order_by(models.Comparison.id)).first()
        assert seed is not None
        rows = [
            comparisons.add_document(session, ingest_text("\n\n".join([document.text] * times)))
            for document in seed.documents
        ]
        comparison = comparisons.add_comparison(session, f"{seed.title} ({times} times over)", rows)
        session.commit()
        return comparison.id


def word_count(app: Flask, comparison_id: int) -> int:
    """Return the words of the comparison's longest article."""
    with app.app_context():
        comparison = db.get_session().get(models.Comparison, comparison_id)
        assert comparison is not None
        return max(len(word_spans(document.text)) for document in comparison.documents)


def add_annotations(app: Flask, comparison_id: int, count: int, seed: int) -> None:
    """Store ``count`` annotations of 1 to 12 words with one or two random tags."""
    rng = random.Random(seed)
    with app.app_context():
        session = db.get_session()
        comparison = session.get(models.Comparison, comparison_id)
        assert comparison is not None
        tag_keys = [tag.key for tag in tagsets.get_tag_set(session, TAG_SET).tags]
        documents = comparison.documents
        words = {document.id: word_spans(document.text) for document in documents}
        for number in range(count):
            document = documents[number % len(documents)]
            spans = words[document.id]
            first = rng.randrange(len(spans))
            last = min(len(spans) - 1, first + rng.randrange(12))
            start, end = spans[first][0], spans[last][1]
            data = checks.AnnotationInput(
                public_id=uuid_for(rng),
                document_id=document.id,
                start=start,
                end=end,
                quote=document.text[start:end],
                tag_keys=tuple(rng.sample(tag_keys, rng.choice((1, 1, 1, 2)))),
                tag_set_key=TAG_SET,
                note="" if rng.random() < 0.7 else "A note explaining the tag.",
                comparison_id=comparison.id,
            )
            saving.add_annotation(session, data)
        session.commit()


def uuid_for(rng: random.Random) -> str:
    """Return a version 4 UUID drawn from ``rng``, so runs store the same rows."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free port of 127.0.0.1 for the duration of the block."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def wait_until(page: Any, expression: str, timeout: float = 30.0) -> None:
    """Poll ``expression`` until it is true (wait_for_function would eval, which CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {expression}")
        time.sleep(0.005)


def measure(base: str, page_path: str, repeats: int, annotations: int, words: int) -> Result:
    """Open the page ``repeats`` times for the load time, then tag ``repeats`` new spans."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        raise SystemExit("chromium is not on PATH (apt-get install -y chromium)")
    load_ms: list[float] = []
    warm_load_ms: list[float] = []
    draw_ms: list[float] = []
    new_tag_ms: list[float] = []
    frame_ms: list[float] = []
    saved_ms: list[float] = []
    saved_frame_ms: list[float] = []
    marks = 0
    html_bytes = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            errors: list[str] = []
            context = None
            for _ in range(repeats):
                # A new context each time: an empty cache, as on a first visit.
                if context is not None:
                    context.close()
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                context.add_init_script(PROBE)
                page = context.new_page()
                page.on("pageerror", lambda error: errors.append(str(error)))
                response = page.goto(base + page_path)
                assert response is not None and response.ok, f"{page_path}: {response}"
                html_bytes = len(response.body())
                wait_until(page, "window.__bench.loadDrawn !== null")
                load_ms.append(page.evaluate("window.__bench.loadDrawn"))
                draw_ms.append(page.evaluate("window.__bench.draw"))
                marks = page.evaluate("window.__bench.marks")
                # Warm: the same page again in this context, its scripts and styles cached
                # (a reload revalidates them: 304 answers, no bodies).
                page.reload()
                wait_until(page, "window.__bench.loadDrawn !== null")
                warm_load_ms.append(page.evaluate("window.__bench.loadDrawn"))
            for attempt in range(repeats):
                page.evaluate(RESET)
                page.evaluate(SELECT_SENTENCE, ["a" if attempt % 2 else "b", 3 + attempt * 2])
                page.wait_for_selector("#ann-picker:not([hidden])")
                # A tag's key works while the picker has the focus (a drag gives it the focus).
                page.focus("#ann-picker")
                page.keyboard.press("1")
                page.evaluate("window.__bench.armed = true")
                page.keyboard.press("Enter")
                wait_until(page, "window.__bench.savedFrame !== null")
                timing: dict[str, Any] = page.evaluate("window.__bench")
                new_tag_ms.append(timing["drawn"] - timing["pressed"])
                frame_ms.append(timing["frame"] - timing["pressed"])
                saved_ms.append(timing["saved"] - timing["pressed"])
                saved_frame_ms.append(timing["savedFrame"] - timing["pressed"])
            if errors:
                raise SystemExit(f"page errors: {errors}")
        finally:
            browser.close()
    return Result(
        annotations,
        words,
        marks,
        html_bytes,
        load_ms,
        warm_load_ms,
        draw_ms,
        new_tag_ms,
        frame_ms,
        saved_ms,
        saved_frame_ms,
    )


def table(result: Result, repeats: int, times: int = 1, before: str = "") -> str:
    """Return the Markdown table of ``result`` (``times``: how often each article repeats)."""
    repeated = f" with each article repeated {times} times" if times > 1 else ""
    saved = statistics.median(result.saved_frame_ms)
    verdict = "meets" if saved < NEW_TAG_TARGET_MS else "misses"
    lines = [
        f"Run {dt.date.today().isoformat()}; {result.annotations} stored annotations on the seed "
        f"comparison{repeated}, {result.words:,} words in the longer article, {result.marks} "
        "`<mark>` elements drawn, page HTML "
        f"{result.html_bytes / 1024:.0f} KB; headless Chromium, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; medians of {repeats}; {before} before the run, "
        f"{load()} after it.",
        "",
        "| Measure | median | min | max |",
        "|---|---|---|---|",
        _row("Page load to all highlights drawn, cold (new context)", result.load_ms),
        _row("Page load to all highlights drawn, warm (reload)", result.warm_load_ms),
        _row("of which drawing them (after the two GETs)", result.draw_ms),
        _row("Enter key to the unsaved (pending) highlight", result.new_tag_ms),
        _row("Enter key to the saved highlight in the DOM", result.saved_ms),
        _row("Enter key to the next frame after it", result.saved_frame_ms),
        "",
        f"Target: a new tag highlighted as saved under {NEW_TAG_TARGET_MS:.0f} ms after the key "
        f"press; the run {verdict} it ({saved:.1f} ms to the frame after the saved highlight).",
    ]
    return "\n".join(lines)


def _row(name: str, values: Sequence[float]) -> str:
    return (
        f"| {name} | {statistics.median(values):.1f} ms | {min(values):.1f} ms "
        f"| {max(values):.1f} ms |"
    )


def write_readme(section: str, times: int = 1) -> None:
    """Replace the text between the annotate-page markers, appending the section if missing.

    A run on long articles (``times`` > 1) has its own pair of markers.
    """
    text = README.read_text(encoding="utf-8")
    start_marker, end_marker = START_MARKER, END_MARKER
    if times > 1:
        start_marker = START_MARKER.replace("page:", "page-long:")
        end_marker = END_MARKER.replace("page:", "page-long:")
    start, end = text.find(start_marker), text.find(end_marker)
    if start < 0 or end < start:
        if times > 1:
            raise SystemExit(f"bench/README.md has no {start_marker} ... {end_marker}")
        text = (
            text.rstrip("\n")
            + f"\n\n{SECTION_TITLE}\n\n```sh\n.venv/bin/python bench/annotate_page.py "
            "--write-readme\n```\n\n"
            f"{DESCRIPTION}\n\n"
            f"{START_MARKER}\n{END_MARKER}\n"
        )
        start, end = text.find(START_MARKER), text.find(END_MARKER)
    README.write_text(
        f"{text[: start + len(start_marker)]}\n{section}\n{text[end:]}", encoding="utf-8"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Seed, serve, measure, print the table (and optionally store it in bench/README.md)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotations", type=int, default=1000, help="annotations to store")
    parser.add_argument("--repeats", type=runs, default=10, help="timed runs per measure (≥ 5)")
    parser.add_argument("--seed", type=int, default=20251025, help="random seed for the spans")
    parser.add_argument(
        "--page", default="/comparisons/{id}", help="page path; {id} is the comparison id"
    )
    parser.add_argument(
        "--repeat-text",
        type=int,
        default=1,
        help="repeat each seed article this many times (10: about 6,000 words each)",
    )
    parser.add_argument("--write-readme", action="store_true", help="update bench/README.md")
    args = parser.parse_args(argv)
    times = max(1, args.repeat_text)
    before = load()
    with tempfile.TemporaryDirectory(prefix="parallax-bench-") as instance:
        app = make_app(instance)
        with app.app_context():
            seed = db.get_session().scalars(select(models.Comparison)).first()
            assert seed is not None
            comparison_id = seed.id
        if times > 1:
            comparison_id = lengthen(app, times)
        add_annotations(app, comparison_id, args.annotations, args.seed)
        words = word_count(app, comparison_id)
        with serve(app) as base:
            result = measure(
                base, args.page.format(id=comparison_id), args.repeats, args.annotations, words
            )
    section = table(result, args.repeats, times, before)
    print(section)
    if args.write_readme:
        write_readme(section, times)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
