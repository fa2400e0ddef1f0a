"""Database trouble after start-up answers 503 with a plain message, and service resumes (#12)."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from sqlalchemy import make_url

from annotations.storage.models import Base
from tests.conftest import drop_everything
from tests.web.helpers import PASSWORD
from tests.web.helpers import SLOGAN
from tests.web.helpers import add_teacher
from tests.web.helpers import document_text
from tests.web.helpers import seed_comparison
from tests.web.helpers import signed_in
from webapp import create_app
from webapp import db


def test_a_read_only_sqlite_file_answers_503_saying_so(tmp_path):
    path = tmp_path / "parallax.sqlite3"
    config = {"TESTING": True, "WTF_CSRF_ENABLED": False}
    writable = create_app(
        {**config, "DATABASE_URL": f"sqlite:///{path}"}, instance_path=str(tmp_path / "i")
    )
    with writable.app_context():
        Base.metadata.create_all(db.get_engine())
    comparison_id, documents = seed_comparison(writable)
    document_id = next(d for d in documents if SLOGAN in document_text(writable, d))
    text = document_text(writable, document_id)
    add_teacher(writable)
    # Signing in stores a session row, so it happens before the file turns read-only; both apps
    # share the instance folder and so the key that signs the cookie.
    cookie = signed_in(writable).get_cookie("session")
    # Running as root ignores file modes, so SQLite is told to open the file read-only.
    read_only = create_app(
        {**config, "DATABASE_URL": f"sqlite:///file:{path}?mode=ro&uri=true"},
        instance_path=str(tmp_path / "i"),
    )
    client = read_only.test_client()
    client.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    assert client.get(f"/comparisons/{comparison_id}").status_code == 200
    start = text.index(SLOGAN)
    body = {
        "public_id": str(uuid.uuid4()),
        "start": start,
        "end": start + len(SLOGAN),
        "quote": SLOGAN,
        "tag_keys": ["slogan"],
        "tag_set_key": "media-literacy",
    }
    response = client.post(f"/api/documents/{document_id}/annotations", json=body)
    assert response.status_code == 503
    assert "read-only" in response.get_json()["message"]
    response = client.post(
        "/comparisons/new",
        data={"title": "T", "articles-0-text": "One. " * 20, "articles-1-text": "Two. " * 20},
    )
    assert response.status_code == 503
    assert "read-only" in response.get_data(as_text=True)


class CuttableProxy:
    """A TCP proxy to PostgreSQL that a test can cut (closing every connection) and restore."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = True
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open:
                client.close()
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.open = False
        with self.lock:
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.sockets.clear()

    def restore(self) -> None:
        self.open = True

    def close(self) -> None:
        self.cut()
        self.listener.close()


def test_postgresql_outage_answers_503_and_service_resumes(postgres_url, tmp_path):
    url = make_url(postgres_url)
    proxy = CuttableProxy(url.host or "127.0.0.1", url.port or 5432)
    proxied = url.set(host="127.0.0.1", port=proxy.port).update_query_dict({"connect_timeout": "2"})
    app = create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "DATABASE_URL": proxied.render_as_string(hide_password=False),
        },
        instance_path=str(tmp_path / "instance"),
    )
    try:
        with app.app_context():
            Base.metadata.create_all(db.get_engine())
        comparison_id, _ = seed_comparison(app)
        add_teacher(app)
        client = signed_in(app)
        pages = [f"/comparisons/{comparison_id}", f"/api/comparisons/{comparison_id}/annotations"]
        for page in pages:
            assert client.get(page).status_code == 200
        proxy.cut()
        for _ in range(3):
            for page in pages:
                response = client.get(page)
                assert response.status_code == 503, page
                assert "cannot be reached" in response.get_data(as_text=True)
        with client.get("/static/css/app.css") as static:
            assert static.status_code == 200
        proxy.restore()
        # Full service from the first request after the database returns.
        for page in pages * 3:
            assert client.get(page).status_code == 200, page
    finally:
        with app.app_context():
            proxy.restore()
            drop_everything(db.get_engine())
            db.get_engine().dispose()
        proxy.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class KeepRedirects(urllib.request.HTTPRedirectHandler):
    """Hand a redirect back as the answer, so its Set-Cookie header can be read."""

    def redirect_request(self, *args, **kwargs):
        return None


def session_cookie(response) -> str:
    """Return the ``name=value`` of the session cookie a response sets."""
    cookies = [c.split(";")[0] for c in response.headers.get_all("Set-Cookie") or []]
    return next(c for c in cookies if c.startswith("session="))


def sign_in_over_http(port: int) -> str:
    """Sign the teacher in through the login form; return the Cookie header to send after."""
    base = f"http://127.0.0.1:{port}"
    with urllib.request.urlopen(f"{base}/login", timeout=20) as response:
        page = response.read().decode("utf-8")
        cookie = session_cookie(response)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {"username": "ms.tanaka", "password": PASSWORD, "csrf_token": token}
    ).encode("ascii")
    request = urllib.request.Request(f"{base}/login", data=form, headers={"Cookie": cookie})
    try:
        urllib.request.build_opener(KeepRedirects).open(request, timeout=20)
    except urllib.error.HTTPError as answer:
        assert answer.code == 302, answer.read()[:300]
        return session_cookie(answer)
    raise AssertionError("signing in did not redirect")


def get(port: int, path: str, cookie: str = "") -> tuple[int, str]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie} if cookie else {}
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def test_gunicorn_answers_503_during_a_postgresql_outage_and_recovers(postgres_url, tmp_path):
    # A dependency of the project, installed beside this Python.
    gunicorn = Path(sys.executable).with_name("gunicorn")
    url = make_url(postgres_url)
    proxy = CuttableProxy(url.host or "127.0.0.1", url.port or 5432)
    proxied = url.set(host="127.0.0.1", port=proxy.port).update_query_dict({"connect_timeout": "2"})
    database_url = proxied.render_as_string(hide_password=False)
    app = create_app(
        {"TESTING": True, "DATABASE_URL": database_url}, instance_path=str(tmp_path / "i")
    )
    port = free_port()
    server = None
    try:
        with app.app_context():
            Base.metadata.create_all(db.get_engine())
        comparison_id, _ = seed_comparison(app)
        add_teacher(app)
        env = {
            **os.environ,
            "PARALLAX_DATABASE_URL": database_url,
            "PARALLAX_SECRET_KEY": secrets.token_hex(32),
        }
        server = subprocess.Popen(
            [str(gunicorn), "-w", "2", "-b", f"127.0.0.1:{port}", "webapp:create_app()"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        pages = [f"/comparisons/{comparison_id}", f"/api/comparisons/{comparison_id}/annotations"]
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(port, "/login")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.3)
        cookie = sign_in_over_http(port)
        # Every worker holds pooled connections before the outage.
        for _ in range(8):
            assert all(get(port, page, cookie)[0] == 200 for page in pages)
        proxy.cut()
        statuses = []
        for _ in range(6):
            for page in pages:
                status, body = get(port, page, cookie)
                statuses.append(status)
                assert status == 503, (page, status, body[:300])
                assert "cannot be reached" in body
        assert get(port, "/static/css/app.css")[0] == 200
        proxy.restore()
        after = [get(port, page, cookie)[0] for _ in range(6) for page in pages]
        assert after == [200] * len(after)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        proxy.restore()
        with app.app_context():
            drop_everything(db.get_engine())
            db.get_engine().dispose()
        proxy.close()
