"""Fetching through a school's web proxy: a tiny CONNECT/HTTP proxy on 127.0.0.1.

The article's host resolves (through the test's resolver) to a public address, so the SSRF
guard lets it through; the proxy then serves or relays the page instead of going out.
"""

from __future__ import annotations

import base64
import shutil
import socket
import ssl
import subprocess
import threading

import pytest

from annotations.text.fetch import BlockedAddressError
from annotations.text.fetch import FetchError
from annotations.text.fetch import fetch_url
from annotations.text.fetch import proxy_for

PUBLIC = "93.184.216.34"
PRIVATE = "10.0.0.5"
PAGE = b"<html><body><p>The call lasted ten minutes.</p></body></html>"
PROXY_VARIABLES = ("http_proxy", "https_proxy", "no_proxy", "all_proxy")


def resolver(host, port, type=0):  # noqa: A002 - getaddrinfo's own keyword
    address = {"news.example": PUBLIC, "intranet.example": PRIVATE}[host]
    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]


def http_response(status: str, body: bytes = b"", content_type: str = "text/html") -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}"
    return (head + "\r\nConnection: close\r\n\r\n").encode() + body


def read_head(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


class TinyProxy:
    """Record each request; answer GETs itself, relay CONNECTs to ``tunnel_to`` (or refuse)."""

    def __init__(self, *, tunnel_to=None, connect_status="200 Connection established"):
        self.requests: list[bytes] = []
        self.tunnel_to = tunnel_to
        self.connect_status = connect_status
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self.handle, args=(client,), daemon=True).start()

    def handle(self, client):
        with client:
            head = read_head(client)
            self.requests.append(head)
            if head.startswith(b"CONNECT "):
                if not self.connect_status.startswith("200") or self.tunnel_to is None:
                    client.sendall(http_response(self.connect_status))
                    return
                client.sendall(f"HTTP/1.1 {self.connect_status}\r\n\r\n".encode())
                with socket.create_connection(self.tunnel_to) as upstream:
                    relay(client, upstream)
            else:
                client.sendall(http_response("200 OK", PAGE))

    def close(self):
        self.listener.close()


def relay(a: socket.socket, b: socket.socket) -> None:
    def pump(source, sink):
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            try:
                sink.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    other = threading.Thread(target=pump, args=(b, a), daemon=True)
    other.start()
    pump(a, b)
    other.join(timeout=10)


@pytest.fixture(autouse=True)
def no_proxy_settings(monkeypatch):
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture
def proxy():
    server = TinyProxy()
    yield server
    server.close()


def test_http_goes_to_the_proxy_as_an_absolute_url(proxy, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
    page = fetch_url("http://news.example/story?id=7", resolver=resolver)
    assert page.body == PAGE
    (request,) = proxy.requests
    assert request.startswith(b"GET http://news.example/story?id=7 HTTP/1.1\r\n")
    assert b"\r\nHost: news.example\r\n" in request


def test_the_address_is_checked_before_the_proxy_is_asked(proxy, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy.port}")
    for url in ("http://intranet.example/", "https://intranet.example/", "http://10.1.2.3/"):
        with pytest.raises(BlockedAddressError, match="private, local or reserved"):
            fetch_url(url, resolver=resolver)
    assert proxy.requests == []


def test_no_proxy_hosts_are_fetched_directly(proxy, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
    monkeypatch.setenv("NO_PROXY", "localhost,.example")
    dialled = []

    def connector(address, timeout):
        dialled.append(address)
        raise ConnectionRefusedError(111, "Connection refused")

    with pytest.raises(FetchError, match="Connection refused"):
        fetch_url("http://news.example/", resolver=resolver, connector=connector)
    assert dialled == [(PUBLIC, 80)]
    assert proxy.requests == []


def test_proxy_credentials_are_sent(proxy, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", f"http://teacher:s%40fe@127.0.0.1:{proxy.port}")
    fetch_url("http://news.example/", resolver=resolver)
    expected = base64.b64encode(b"teacher:s@fe").decode()
    assert f"\r\nProxy-Authorization: Basic {expected}\r\n".encode() in proxy.requests[0]


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("403 Forbidden", "the proxy refused the connection: 403 Forbidden"),
        ("407 Proxy Authentication Required", "asks for a user name and password"),
    ],
)
def test_a_refused_tunnel_is_one_clear_error(monkeypatch, status, message):
    server = TinyProxy(connect_status=status)
    try:
        monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{server.port}")
        with pytest.raises(FetchError, match=message):
            fetch_url("https://news.example/", resolver=resolver)
        assert server.requests[0].startswith(f"CONNECT {PUBLIC}:443 HTTP/1.1\r\n".encode())
    finally:
        server.close()


def test_unsupported_proxy_settings_say_so(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "socks5://127.0.0.1:1080")
    with pytest.raises(FetchError, match="give an http:// proxy address"):
        proxy_for("https", "news.example")
    monkeypatch.setenv("HTTPS_PROXY", "proxy.school.example:3128")
    assert proxy_for("https", "news.example").port == 3128


@pytest.fixture
def tls_origin(tmp_path):
    """An HTTPS server on 127.0.0.1 whose certificate names news.example."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=news.example", "-addext", "subjectAltName=DNS:news.example"]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    seen_hosts = []

    def serve():
        while True:
            try:
                raw, _ = listener.accept()
            except OSError:
                return
            try:
                with server_context.wrap_socket(raw, server_side=True) as tls:
                    head = read_head(tls)
                    seen_hosts.append(head)
                    tls.sendall(http_response("200 OK", PAGE))
            except (OSError, ssl.SSLError):
                continue

    threading.Thread(target=serve, daemon=True).start()
    client_context = ssl.create_default_context(cafile=str(cert))
    yield listener.getsockname(), client_context, seen_hosts
    listener.close()


def test_https_is_tunnelled_to_the_checked_address(tls_origin, monkeypatch):
    origin, client_context, seen = tls_origin
    server = TinyProxy(tunnel_to=origin)
    try:
        monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{server.port}")
        page = fetch_url("https://news.example/story", resolver=resolver, context=client_context)
        assert page.body == PAGE
        # The proxy was asked for the address checked here, not for a name it would resolve.
        assert server.requests[0].startswith(f"CONNECT {PUBLIC}:443 HTTP/1.1\r\n".encode())
        # Inside the tunnel the certificate matched news.example and the request named it.
        assert seen[0].startswith(b"GET /story HTTP/1.1\r\n")
        assert b"\r\nHost: news.example\r\n" in seen[0]
    finally:
        server.close()
