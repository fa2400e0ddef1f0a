"""Fetch an article from a URL without letting the address reach inside the network.

The host is resolved first and every address it resolves to is checked: private,
loopback, link-local, multicast, reserved and unspecified addresses are refused before
any connection is made. The connection then goes to the address that was checked (not to a
second lookup of the name), redirects are followed by hand and checked the same way, and
the body is read in chunks up to a byte cap.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable
from collections.abc import Sequence
from typing import Any
from typing import NamedTuple
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
) -> FetchedPage:
    """Fetch ``url`` (http or https) and return its body, content type and final URL.

    Each hop of up to ``MAX_REDIRECTS`` redirects is checked like the first address. The
    whole download, redirects included, must finish within four times ``timeout``.
    """
    deadline = time.monotonic() + 4 * timeout
    context = ssl.create_default_context()
    current = url.strip()
    for _ in range(MAX_REDIRECTS + 1):
        scheme, host, port, target = _split(current)
        address = resolve_public(host, port, resolver=resolver)
        connection: http.client.HTTPConnection
        if scheme == "https":
            connection = _PinnedHTTPSConnection(host, port, address, connector, timeout, context)
        else:
            connection = _PinnedHTTPConnection(host, port, address, connector, timeout)
        too_long = FetchError(f"the page took too long to download (over {4 * timeout:g} s)")
        watchdog = _Watchdog(connection, deadline)
        try:
            watchdog.start()
            connection.request(
                "GET",
                target,
                headers={
                    "User-Agent": USER_AGENT,
                    "Accept": "text/html, text/plain;q=0.9, text/*;q=0.8",
                    "Accept-Encoding": "identity",
                },
            )
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
