from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer

import pytest

from annotations.errors import InputError
from annotations.text.fetch import BlockedAddressError
from annotations.text.fetch import FetchError
from annotations.text.fetch import fetch_url
from annotations.text.fetch import is_public_address

PUBLIC = "93.184.216.34"


class Handler(BaseHTTPRequestHandler):
    """Answer by path: pages, redirects, a large body, a PDF, a missing page."""

    def do_GET(self):
        routes = {
            "/article": (200, "text/html; charset=utf-8", b"<p>The call lasted ten minutes.</p>"),
            "/plain": (200, "text/plain", "Caf\u00e9 \U0001f600".encode()),
            "/big": (200, "text/plain", b"x" * 5000),
            "/pdf": (200, "application/pdf", b"%PDF-1.7"),
        }
        if self.path in routes:
            status, content_type, body = routes[self.path]
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/big-unsized":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"y" * 5000)
            self.close_connection = True
        elif self.path.startswith("/to?"):
            self.send_response(302)
            self.send_header("Location", self.path.split("?", 1)[1])
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path.startswith("/loop"):
            number = int(self.path.removeprefix("/loop") or 0)
            self.send_response(301)
            self.send_header("Location", f"/loop{number + 1}")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path in ("/trickle", "/trickle-headers"):
            # One byte a second: no single wait is long, the whole is endless.
            with contextlib.suppress(OSError):
                if self.path == "/trickle":
                    self.send_response(200)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", "200")
                    self.end_headers()
                    self.wfile.flush()
                for byte in b"HTTP/1.1 200 OK\r\n" if self.path != "/trickle" else b"x" * 200:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.25)
            self.close_connection = True
        else:
            self.send_error(404, "Not Found")

    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_port
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


class Network:
    """A fake DNS and a connector that records where it was asked to connect."""

    def __init__(self, port=None, names=None):
        self.port = port
        self.names = {"news.example": [PUBLIC], **(names or {})}
        self.lookups = []
        self.connects = []

    def resolve(self, host, port, type=0, **kwargs):
        self.lookups.append(host)
        if host not in self.names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (
                socket.AF_INET6 if ":" in ip else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (ip, port),
            )
            for ip in self.names[host]
        ]

    def connect(self, address, timeout):
        self.connects.append(address)
        if self.port is None:
            raise AssertionError("no connection may be made")
        # Every public address leads to the local test server.
        return socket.create_connection(("127.0.0.1", self.port), timeout=timeout)

    def fetch(self, url, **kwargs):
        return fetch_url(url, resolver=self.resolve, connector=self.connect, **kwargs)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.1.2.3:8080/admin",
        "http://10.0.0.5/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fe80::1]/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://240.0.0.1/",
        "http://100.64.0.1/",
        "https://[fd00::1]/",
    ],
)
def test_private_and_local_addresses_are_refused_before_connecting(url):
    network = Network()
    with pytest.raises(BlockedAddressError, match="private, local or reserved"):
        network.fetch(url)
    assert network.connects == []


@pytest.mark.parametrize(
    "addresses", [["192.168.0.7"], ["127.0.0.1"], [PUBLIC, "10.1.1.1"], ["::1"], ["fe80::2%eth0"]]
)
def test_a_name_resolving_to_a_private_address_is_refused(addresses):
    network = Network(names={"intranet.example": addresses})
    with pytest.raises(BlockedAddressError) as raised:
        network.fetch("http://intranet.example/page")
    assert network.lookups == ["intranet.example"]
    assert network.connects == []
    assert "\n" not in str(raised.value)
    assert isinstance(raised.value, InputError)


@pytest.mark.parametrize(
    "url, message",
    [
        ("file:///etc/passwd", "only http and https"),
        ("ftp://news.example/a.txt", "only http and https"),
        ("javascript:alert(1)", "only http and https"),
        ("http:///nohost", "names no host"),
        ("http://user:secret@news.example/", "user name or password"),
        ("http://news.example:99999/", "not a valid web address"),
        ("http://nowhere.example/", "cannot find the host"),
    ],
)
def test_bad_addresses_are_refused_with_one_line(url, message):
    network = Network()
    with pytest.raises(FetchError, match=message) as raised:
        network.fetch(url)
    assert "\n" not in str(raised.value)
    assert network.connects == []


def test_fetches_a_public_page_through_the_checked_address(server):
    network = Network(server)
    page = network.fetch("http://news.example/article")
    assert page.body == b"<p>The call lasted ten minutes.</p>"
    assert page.content_type == "text/html; charset=utf-8"
    assert page.url == "http://news.example/article"
    assert network.connects == [(PUBLIC, 80)]
    body, content_type, url = network.fetch("http://news.example:8080/plain")
    assert body.decode() == "Caf\u00e9 \U0001f600"
    assert network.connects[-1] == (PUBLIC, 8080)


def test_follows_redirects_and_reports_the_final_url(server):
    network = Network(server)
    page = network.fetch("http://news.example/to?/article")
    assert page.url == "http://news.example/article"
    assert page.body.startswith(b"<p>")
    assert len(network.connects) == 2


def test_a_redirect_to_a_private_address_is_refused(server):
    network = Network(server, names={"evil.example": ["10.0.0.1"]})
    for target in ("http://127.0.0.1/article", "http://evil.example/article", "http://[::1]/"):
        network.connects.clear()
        with pytest.raises(BlockedAddressError):
            network.fetch(f"http://news.example/to?{target}")
        assert network.connects == [(PUBLIC, 80)], "only the first, public hop connects"


def test_redirects_stop_after_five(server):
    network = Network(server)
    with pytest.raises(FetchError, match="more than 5 redirects"):
        network.fetch("http://news.example/loop")
    assert len(network.connects) == 6


@pytest.mark.parametrize("path", ["/big", "/big-unsized"])
def test_the_byte_cap_stops_large_pages(server, path):
    network = Network(server)
    with pytest.raises(FetchError, match="limit"):
        network.fetch(f"http://news.example{path}", max_bytes=1000)
    assert len(network.fetch(f"http://news.example{path}", max_bytes=5000).body) == 5000


def test_errors_and_non_text_answers(server):
    network = Network(server)
    with pytest.raises(FetchError, match="answered 404"):
        network.fetch("http://news.example/missing")
    with pytest.raises(FetchError, match="application/pdf"):
        network.fetch("http://news.example/pdf")


def test_connection_failures_become_fetch_errors():
    def refuse(address, timeout):
        raise ConnectionRefusedError(111, "Connection refused")

    def hang(address, timeout):
        raise TimeoutError("timed out")

    resolver = Network().resolve
    with pytest.raises(FetchError, match="Connection refused"):
        fetch_url("http://news.example/", resolver=resolver, connector=refuse)
    with pytest.raises(FetchError, match="did not answer within 3 s"):
        fetch_url("https://news.example/", resolver=resolver, connector=hang, timeout=3)


def test_public_addresses():
    for text in (PUBLIC, "2606:4700::1111", "8.8.8.8"):
        assert is_public_address(ipaddress.ip_address(text))
    for text in ("2002:0a00:0001::1", "::ffff:10.0.0.1", "ff02::1", "::"):
        assert not is_public_address(ipaddress.ip_address(text))


@pytest.mark.parametrize("path", ["/trickle", "/trickle-headers"])
def test_a_trickling_sender_is_cut_at_the_overall_deadline(server, path):
    network = Network(server)
    started = time.monotonic()
    with pytest.raises(FetchError, match="took too long to download"):
        # Each byte comes well within the 0.5 s timeout; the whole would take 50 s.
        network.fetch(f"http://news.example{path}", timeout=0.5)
    assert time.monotonic() - started < 15
