"""Fetch an article from a URL without letting the address reach inside the network.

The host is resolved first and every address it resolves to is checked: private,
loopback, link-local, multicast, reserved and unspecified addresses are refused before
any connection is made. The connection then goes to the address that was checked (not to a
second lookup of the name), redirects are followed by hand and checked the same way, and
the body is read in chunks up to a byte cap.

Behind a school's web proxy (``HTTPS_PROXY``, ``HTTP_PROXY`` and ``NO_PROXY``, or the system's
proxy settings on Windows and macOS) the same checks come first. An https address is then
tunnelled through the proxy with ``CONNECT`` to the address that was checked, and the
certificate is still checked against the host name; an http address is handed to the proxy
by name, so the proxy makes the last lookup for those.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
import urllib.request
from collections.abc import Callable
from collections.abc import Sequence
from typing import Any
from typing import NamedTuple
from urllib.parse import unquote
from urllib.parse import urljoin
from urllib.parse import urlsplit

from annotations.errors import InputError
from annotations.text.ingest import MAX_BYTES

__all__ = [
    "BlockedAddressError",
    "CHUNK",
    "Connector",
    "DEFAULT_TIMEOUT",
    "FetchError",
    "FetchedPage",
    "IPAddress",
    "MAX_REDIRECTS",
    "REDIRECTS",
    "Resolver",
    "TEXT_TYPES",
    "USER_AGENT",
    "fetch_url",
    "is_public_address",
    "resolve_public",
]

MAX_REDIRECTS = 5
DEFAULT_TIMEOUT = 10.0
CHUNK = 64 * 1024
USER_AGENT = "Parallax/0.1 (article comparison; +https://example.invalid/parallax)"
REDIRECTS = {301, 302, 303, 307, 308}
TEXT_TYPES = ("text/", "application/xhtml+xml", "application/xml")
# A proxy's answer to CONNECT is a few headers; more than this is not a proxy talking.
MAX_PROXY_REPLY = 64 * 1024

Resolver = Callable[..., Sequence[tuple[Any, ...]]]
Connector = Callable[[tuple[str, int], float], socket.socket]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(InputError):
    """A URL that cannot be fetched (the message says why, in one line)."""


class BlockedAddressError(FetchError):
    """A URL whose host is, or resolves to, an address Parallax does not connect to."""


class FetchedPage(NamedTuple):
    """The body of a fetched page, its content type and the URL it was finally read from."""

    body: bytes
    content_type: str
    url: str


def is_public_address(address: IPAddress) -> bool:
    """Return True if ``address`` is a public unicast address Parallax may connect to.

    >>> is_public_address(ipaddress.ip_address("10.1.2.3"))
    False
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address.teredo is not None:
            embedded = address.teredo[1]
        if embedded is not None and not is_public_address(embedded):
            return False
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def _address(text: str) -> IPAddress:
    # getaddrinfo gives IPv6 link-local addresses with a zone ("fe80::1%eth0").
    return ipaddress.ip_address(text.split("%", 1)[0])


def resolve_public(host: str, port: int, *, resolver: Resolver = socket.getaddrinfo) -> str:
    """Return an address of ``host`` to connect to, or raise if any of its addresses is not public.

    Every address is checked, not only the first: a name that resolves to one public and one
    private address is refused.
    """
    try:
        literal: IPAddress | None = _address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        try:
            infos = resolver(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise FetchError(f"cannot find the host {host!r}") from exc
        addresses = []
        for info in infos:
            try:
                addresses.append(_address(str(info[4][0])))
            except ValueError:
                continue
        if not addresses:
            raise FetchError(f"cannot find the host {host!r}")
    for address in addresses:
        if not is_public_address(address):
            raise BlockedAddressError(
                f"{host} is a private, local or reserved address ({address}); "
                "Parallax only fetches public web addresses"
            )
    return str(addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection that dials an address checked beforehand, not a new lookup."""

    def __init__(self, host: str, port: int, address: str, connector: Connector, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._pinned = (address, port)
        self._connector = connector
        self._timeout = timeout

    def connect(self) -> None:
        self.sock = self._connector(self._pinned, self._timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to a checked address; certificate and SNI use the host name."""

    def __init__(
        self,
        host: str,
        port: int,
        address: str,
        connector: Connector,
        timeout: float,
        context: ssl.SSLContext,
    ):
        super().__init__(host, port, timeout=timeout, context=context)
        self._pinned = (address, port)
        self._connector = connector
        self._context = context
        self._timeout = timeout

    def connect(self) -> None:
        sock = self._connector(self._pinned, self._timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class Proxy(NamedTuple):
    """A web proxy to reach the internet through: its address and optional credentials."""

    host: str
    port: int
    authorization: str | None

    def headers(self) -> dict[str, str]:
        """Return the Proxy-Authorization header when the proxy has credentials."""
        return {} if self.authorization is None else {"Proxy-Authorization": self.authorization}


def proxy_for(scheme: str, host: str) -> Proxy | None:
    """Return the proxy configured for ``scheme`` (``HTTPS_PROXY``, ``HTTP_PROXY``...), or None.

    None when no proxy is set or ``host`` is listed in ``NO_PROXY`` (or the system's bypass
    list). Only ``http://`` proxies are supported: the proxy URL names host, port and
    optional ``user:password``.
    """
    url = urllib.request.getproxies().get(scheme)
    if not url or urllib.request.proxy_bypass(host):
        return None
    if "://" not in url:
        url = "http://" + url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"the {scheme} proxy setting {url!r} is not a valid address") from exc
    if parts.scheme.lower() != "http" or not parts.hostname:
        raise FetchError(
            f"the {scheme} proxy setting {url!r} is not supported; give an http:// proxy address"
        )
    authorization = None
    if parts.username is not None:
        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        authorization = "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")
    return Proxy(parts.hostname, port or 8080, authorization)


def _read_proxy_reply(sock: socket.socket) -> tuple[int, str]:
    reply = b""
    while b"\r\n\r\n" not in reply:
        chunk = sock.recv(4096)
        if not chunk:
            break
        reply += chunk
        if len(reply) > MAX_PROXY_REPLY:
            break
    status_line = reply.split(b"\r\n", 1)[0].decode("latin-1")
    parts = status_line.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise FetchError("the proxy gave an answer that is not HTTP")
    return int(parts[1]), parts[2] if len(parts) > 2 else ""


def _tunnel(
    proxy: Proxy, address: str, port: int, connector: Connector, timeout: float
) -> socket.socket:
    """Return a socket tunnelled through ``proxy`` to the checked ``address``."""
    sock = connector((proxy.host, proxy.port), timeout)
    target = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
    lines = [f"CONNECT {target} HTTP/1.1", f"Host: {target}"]
    lines += [f"{name}: {value}" for name, value in proxy.headers().items()]
    try:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("ascii"))
        status, reason = _read_proxy_reply(sock)
    except BaseException:
        sock.close()
        raise
    if status == 200:
        return sock
    sock.close()
    if status == 407:
        raise FetchError(
            "the proxy asks for a user name and password: put them in the proxy setting "
            "(http://user:password@proxy:port)"
        )
    raise FetchError(f"the proxy refused the connection: {status} {reason}".rstrip())


class _TunnelledHTTPSConnection(_PinnedHTTPSConnection):
    """An HTTPS connection to a checked address, through a proxy's CONNECT tunnel."""

    def __init__(
        self,
        host: str,
        port: int,
        address: str,
        proxy: Proxy,
        connector: Connector,
        timeout: float,
        context: ssl.SSLContext,
    ):
        super().__init__(host, port, address, connector, timeout, context)
        self._proxy = proxy

    def connect(self) -> None:
        address, port = self._pinned
        sock = _tunnel(self._proxy, address, port, self._connector, self._timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _connect(address: tuple[str, int], timeout: float) -> socket.socket:
    return socket.create_connection(address, timeout=timeout)


def _split(url: str) -> tuple[str, str, int, str]:
    """Return scheme, host, port and request target of ``url``, or raise FetchError."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"not a valid web address: {url!r}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(f"only http and https addresses can be fetched, not {url!r}")
    if not parts.hostname:
        raise FetchError(f"the address {url!r} names no host")
    if parts.username is not None or parts.password is not None:
        raise FetchError("addresses with a user name or password are not fetched")
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80), target


class _Watchdog:
    """Shut a connection's socket at the deadline, whatever it is waiting for.

    A socket timeout bounds each wait, not their sum: a sender trickling a byte a second
    never trips it, and ``read(n)`` keeps waiting for its n bytes. Written by hand because
    http.client has no overall deadline.
    """

    def __init__(self, connection: http.client.HTTPConnection, deadline: float) -> None:
        self.fired = False
        self._connection = connection
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._fire)
        self._timer.daemon = True

    def _fire(self) -> None:
        self.fired = True
        sock = self._connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def start(self) -> None:
        self._timer.start()

    def cancel(self) -> None:
        self._timer.cancel()


def _absolute(host: str, port: int, target: str) -> str:
    authority = f"[{host}]" if ":" in host else host
    return f"http://{authority}{'' if port == 80 else f':{port}'}{target}"


def _read_capped(response: http.client.HTTPResponse, max_bytes: int, deadline: float) -> bytes:
    length = response.getheader("Content-Length")
    if length is not None and length.isdigit() and int(length) > max_bytes:
        raise FetchError(f"the page is {int(length)} bytes; the limit is {max_bytes} bytes")
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError("the page took too long to download")
        # read1 returns what one receive brings, so the deadline is checked between them.
        chunk = response.read1(CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"the page is larger than the limit of {max_bytes} bytes")
        chunks.append(chunk)


def fetch_url(
    url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_BYTES,
    resolver: Resolver = socket.getaddrinfo,
    connector: Connector = _connect,
    context: ssl.SSLContext | None = None,
) -> FetchedPage:
    """Fetch ``url`` (http or https) and return its body, content type and final URL.

    Each hop of up to ``MAX_REDIRECTS`` redirects is checked like the first address, and
    goes through the proxy the environment names for it (see :func:`proxy_for`). The whole
    download, redirects included, must finish within four times ``timeout``. ``context``
    replaces the default TLS settings (a school's own certificate authority, say).
    """
    deadline = time.monotonic() + 4 * timeout
    context = context or ssl.create_default_context()
    current = url.strip()
    for _ in range(MAX_REDIRECTS + 1):
        scheme, host, port, target = _split(current)
        address = resolve_public(host, port, resolver=resolver)
        proxy = proxy_for(scheme, host)
        headers = {
            "User-Agent": USER_AGENT,
            "Accept": "text/html, text/plain;q=0.9, text/*;q=0.8",
            "Accept-Encoding": "identity",
        }
        connection: http.client.HTTPConnection
        if scheme == "https" and proxy is not None:
            connection = _TunnelledHTTPSConnection(
                host, port, address, proxy, connector, timeout, context
            )
        elif scheme == "https":
            connection = _PinnedHTTPSConnection(host, port, address, connector, timeout, context)
        elif proxy is not None:
            # A plain-http request goes to the proxy whole (absolute URL); the proxy connects.
            connection = _PinnedHTTPConnection(
                proxy.host, proxy.port, proxy.host, connector, timeout
            )
            target = _absolute(host, port, target)
            headers.update(proxy.headers())
        else:
            connection = _PinnedHTTPConnection(host, port, address, connector, timeout)
        too_long = FetchError(f"the page took too long to download (over {4 * timeout:g} s)")
        watchdog = _Watchdog(connection, deadline)
        try:
            watchdog.start()
            connection.request("GET", target, headers=headers)
            response = connection.getresponse()
            if response.status in REDIRECTS:
                location = response.getheader("Location")
                if not location:
                    raise FetchError(f"{host} redirected without saying where to")
                current = urljoin(current, location)
                continue
            if not 200 <= response.status < 300:
                raise FetchError(f"{host} answered {response.status} {response.reason}".rstrip())
            content_type = response.getheader("Content-Type") or ""
            media_type = content_type.split(";", 1)[0].strip().lower()
            if media_type and not media_type.startswith(TEXT_TYPES):
                raise FetchError(f"the address gives {media_type}, not a web page or text")
            body = _read_capped(response, max_bytes, deadline)
            if watchdog.fired:
                # The shut socket may read as a clean end: the body is cut short.
                raise too_long
            return FetchedPage(body, content_type, current)
        except FetchError:
            raise
        except (http.client.HTTPException, OSError) as exc:
            if watchdog.fired:
                raise too_long from exc
            if isinstance(exc, TimeoutError):
                raise FetchError(f"{host} did not answer within {timeout:g} s") from exc
            if isinstance(exc, ssl.SSLError):
                raise FetchError(f"secure connection to {host} failed: {exc.reason}") from exc
            reason = getattr(exc, "strerror", None) or type(exc).__name__
            raise FetchError(f"cannot fetch from {host}: {reason}") from exc
        finally:
            watchdog.cancel()
            connection.close()
    raise FetchError(f"more than {MAX_REDIRECTS} redirects; stopped at {current}")
