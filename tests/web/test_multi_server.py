"""Two Parallax servers on two ports share one PostgreSQL schema and one Redis.

A person's session and CSRF token from one server work on the other, an annotation saved
through one is in the other's export, and failed sign-ins count across both. Both servers
start at once on an empty schema: one migrates, the other waits for it (an advisory lock)
and finds nothing left to do.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar

import pytest
from sqlalchemy import create_engine
from sqlalchemy import make_url
from sqlalchemy import text
from sqlalchemy.pool import NullPool

from tests.web.helpers import PASSWORD

pytestmark = pytest.mark.postgres
REDIS = ("127.0.0.1", 6379)


def redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def shared_schema():
    base = os.environ.get("PARALLAX_TEST_DATABASE_URL")
    if not base:
        pytest.skip("PostgreSQL: PARALLAX_TEST_DATABASE_URL is not set")
    if not redis_answers():
        if os.environ.get("CI"):
            pytest.fail(f"Redis does not answer at {REDIS[0]}:{REDIS[1]}")
        pytest.skip(f"Redis does not answer at {REDIS[0]}:{REDIS[1]}")
    schema = f"parallax_servers_{secrets.token_hex(6)}"
    admin = create_engine(base, poolclass=NullPool)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: one cookie jar for every server, redirects not followed."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect()
        )

    def request(
        self, url: str, form: dict | None = None, *, json_body=None, headers=None
    ) -> tuple[int, str]:
        data = None if form is None else urllib.parse.urlencode(form).encode()
        if json_body is not None:
            data = json.dumps(json_body).encode()
            headers = {**(headers or {}), "Content-Type": "application/json"}
        request = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def csrf_token(page: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)


def start_server(port: int, env: dict, tmp_path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "webapp", "serve", "--host", "127.0.0.1", "--port", str(port)]
        + ["--workers", "1"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_until_ready(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while True:
        assert process.poll() is None, process.stdout.read()
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        assert time.monotonic() < deadline, f"{url} did not answer within 90 s"
        time.sleep(0.3)


def test_two_servers_share_sessions_csrf_and_rate_limits(shared_schema, tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("PARALLAX_")}
    env.update(
        PARALLAX_DATABASE_URL=shared_schema,
        PARALLAX_SECRET_KEY=secrets.token_hex(32),
        PARALLAX_RATELIMIT_STORAGE_URI=f"redis://{REDIS[0]}:{REDIS[1]}",
        # Each run counts in its own keys, so runs (and machines' other users) never meet.
        PARALLAX_RATELIMIT_KEY_PREFIX=f"parallax-test-{secrets.token_hex(6)}",
        PARALLAX_LOGIN_RATE_LIMIT="3 per minute",
        PARALLAX_LOG_LEVEL="WARNING",
    )
    ports = [free_port(), free_port()]
    servers = []
    try:
        for number, port in enumerate(ports):
            # Separate instance folders: nothing is shared through a server's own files.
            own = {**env, "PARALLAX_INSTANCE": str(tmp_path / f"server{number}")}
            servers.append(start_server(port, own, tmp_path))
        a, b = (f"http://127.0.0.1:{port}" for port in ports)
        for base, server in zip((a, b), servers, strict=True):
            wait_until_ready(f"{base}/healthz", server)
        created = subprocess.run(
            [sys.executable, "-m", "webapp", "create-teacher", "--username", "ms.tanaka"]
            + ["--password-stdin"],
            input=PASSWORD + "\n",
            env={**env, "PARALLAX_INSTANCE": str(tmp_path / "cli")},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert created.returncode == 0, created.stderr

        browser = Browser()
        status, page = browser.request(f"{a}/login")
        assert status == 200
        token = csrf_token(page)  # made by server A
        # Signed in on B with A's token and A's session cookie.
        status, _ = browser.request(
            f"{b}/login", {"csrf_token": token, "username": "ms.tanaka", "password": PASSWORD}
        )
        assert status == 302
        # The session B signed carries back to A: a teacher's page opens there.
        status, page = browser.request(f"{a}/comparisons/new")
        assert status == 200 and "csrf_token" in page
        # An annotation saved through A is in the export B serves.
        seeded = subprocess.run(
            [sys.executable, "-m", "webapp", "seed"],
            env={**env, "PARALLAX_INSTANCE": str(tmp_path / "cli")},
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        comparison_id = int(re.search(r"\(id (\d+)\)", seeded.stdout).group(1))
        engine = create_engine(shared_schema, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                document_id, document_text = connection.execute(
                    text("SELECT id, text FROM document ORDER BY id LIMIT 1")
                ).one()
        finally:
            engine.dispose()
        quote = document_text.split(".")[0][:40]
        start = document_text.index(quote)
        status, _ = browser.request(
            f"{a}/api/documents/{document_id}/annotations",
            json_body={
                "public_id": str(uuid.uuid4()),
                "start": start,
                "end": start + len(quote),
                "quote": quote,
                "tag_keys": ["slogan"],
                "tag_set_key": "media-literacy",
                "comparison_id": comparison_id,
            },
            headers={"X-CSRFToken": csrf_token(page)},
        )
        assert status == 201
        status, exported = browser.request(f"{b}/comparisons/{comparison_id}/export.csv")
        assert status == 200 and quote in exported

        # A token missing is refused by either server (CSRF is on).
        status, _ = Browser().request(f"{b}/login", {"username": "x", "password": "y"})
        assert status == 400

        # Failed sign-ins for one account count on both servers: A, B, A, then B refuses.
        intruder = Browser()
        _, page = intruder.request(f"{a}/login")
        token = csrf_token(page)
        wrong = {"csrf_token": token, "username": "ms.tanaka", "password": "not the password"}
        statuses = [intruder.request(f"{base}/login", wrong)[0] for base in (a, b, a, b)]
        assert statuses == [422, 422, 422, 429]  # 422: wrong password, shown on the form
        # The limit holds the account on both servers, even for the right password.
        right = {**wrong, "password": PASSWORD}
        assert intruder.request(f"{a}/login", right)[0] == 429
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
        outputs = [server.communicate(timeout=30)[0] for server in servers]
    # Both started on the empty schema; the database is at one revision for both.
    revisions = {re.search(r"database at revision (\w+)", out).group(1) for out in outputs}
    assert len(revisions) == 1
