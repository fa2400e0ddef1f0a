from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.web.helpers import add_teacher
from webapp import create_app
from webapp import db

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    # Without this Chromium keeps resolving Google's hosts; the exclusions let it reach us.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]


def chromium_path() -> str:
    """Return Debian's chromium, skipping the test locally and failing it on CI without one."""
    path = shutil.which("chromium")
    if path is None:
        message = "chromium is not on PATH (install it with: apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must run the browser tests", pytrace=False)
        pytest.skip(message)
    return path


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free port of 127.0.0.1 for the block; stop it and its database after."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.get_engine().dispose()


@pytest.fixture(scope="session")
def serve():
    """Return :func:`serving`, for module fixtures that serve an app of their own."""
    return serving


@pytest.fixture(scope="session")
def make_seeded_app(tmp_path_factory):
    """Return a maker of apps (CSRF on, rate limit off) with migrated tables and the seed.

    Sign-in is on, as in production; ``teacher=True`` also stores the teacher Ms Tanaka,
    whom ``mouse.sign_in`` signs in (without a teacher the app opens on first-run setup).
    """

    def make(name: str, *, teacher: bool = False, **config: object) -> Flask:
        app = create_app(
            {"TESTING": True, "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": False, **config},
            instance_path=str(tmp_path_factory.mktemp(name)),
        )
        runner = app.test_cli_runner()
        for args in (["db", "upgrade"], ["seed"]):
            outcome = runner.invoke(args=args)
            assert outcome.exit_code == 0, outcome.output
        if teacher:
            add_teacher(app)
        return app

    return make


@pytest.fixture(scope="session")
def chromium():
    """Launch one headless Debian Chromium for the session."""
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


# Runs before the page's own scripts and reports every CSP violation to the test.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(`${event.effectiveDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.fixture
def problems():
    """Collect the console errors and warnings, page errors and CSP violations of the test."""
    return []


@pytest.fixture
def browser_page(chromium, problems):
    """Open a fresh 1400x900 page whose problems land in the ``problems`` list."""
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    context.expose_binding(
        "reportCspViolation", lambda source, text: problems.append(f"CSP violation: {text}")
    )
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()

    def on_console(message):
        if message.type in ("error", "warning"):
            problems.append(f"console {message.type}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under tests/browser/screenshots/ and return its path."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, name):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True, animations="disabled")
        return path

    return take


@pytest.fixture
def select_text():
    """Return a function that selects ``text`` in column ``side`` ("a" or "b") with the mouse."""
    from .mouse import drag_over

    def select(page, side, text):
        drag_over(page, side, text)

    return select
