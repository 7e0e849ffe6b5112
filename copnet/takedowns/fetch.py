"""Outgoing HTTP that cannot be turned against the Network's own machines.

Every hop (the first request and each redirect) resolves the host, refuses it when any of its
addresses is loopback, private, link-local, multicast, reserved or otherwise not global, and
connects to the address that was checked (no second lookup, so DNS rebinding cannot swap it).
`settings.FETCH_ALLOWED_NETWORKS` lists networks allowed anyway (a lab, or the tests' local
server). Reads stop at `FETCH_MAX_BYTES`; every socket operation has `FETCH_TIMEOUT`.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from copnet.detection.hosts import HostError, host_to_ascii

_HOST = re.compile(r"[A-Za-z0-9._-]+|[0-9A-Fa-f:.]+")
REDIRECTS = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "COPNet-verification/1.0 (+https://vn-cop.vn)"


class FetchRefused(Exception):
    """The address may not be fetched (bad URL, or a private/local destination)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    truncated: bool
    url: str
    headers: dict[str, str]


def _networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(n, strict=False) for n in settings.FETCH_ALLOWED_NETWORKS]


def address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in network for network in _networks()):
        return True
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


def _target(url: str) -> tuple[str, str, int, str, str]:
    """(scheme, ascii host, port, path with query, Host header) or FetchRefused."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchRefused("bad_url", f"not a valid address: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise FetchRefused("bad_url", "only http and https addresses are fetched")
    if not parts.hostname:
        raise FetchRefused("bad_url", "the address has no host")
    host = parts.hostname.rstrip(".")
    if not host.isascii():
        try:
            host = host_to_ascii(host)
        except HostError:
            raise FetchRefused("bad_url", "the host name is not valid") from None
    if not _HOST.fullmatch(host):
        raise FetchRefused("bad_url", "the host name is not valid")
    port = port or (443 if scheme == "https" else 80)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    if any(c <= " " or c == "\x7f" for c in path):
        raise FetchRefused("bad_url", "the address contains spaces or control characters")
    default = (scheme == "https" and port == 443) or (scheme == "http" and port == 80)
    host_header = host if ":" not in host else f"[{host}]"
    return scheme, host, port, path, host_header if default else f"{host_header}:{port}"


def resolve_checked(host: str, port: int) -> str:
    """An address of `host` to connect to; refuses when any of its addresses is not allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchRefused("dns", f"the host does not resolve: {exc}") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for address in addresses:
        if not address_allowed(address):
            raise FetchRefused("private_address", f"{host} resolves to a private address")
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _once(
    method: str, url: str, headers: dict[str, str], body: bytes | None, timeout: float
) -> Response:
    scheme, host, port, path, host_header = _target(url)
    address = resolve_checked(host, port)
    cls = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    connection = cls(host, address, port, timeout)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in {"Host": host_header, "User-Agent": USER_AGENT, **headers}.items():
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        answer = connection.getresponse()
        limit = settings.FETCH_MAX_BYTES
        data = answer.read(limit + 1) if method != "HEAD" else b""
        return Response(
            status=answer.status,
            body=data[:limit],
            truncated=len(data) > limit,
            url=url,
            headers={k.lower(): v for k, v in answer.getheaders()},
        )
    finally:
        connection.close()


def fetch(
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    follow_redirects: bool = True,
    timeout: float | None = None,
) -> Response:
    """One request, following redirects (each checked) up to FETCH_MAX_REDIRECTS.

    Raises FetchRefused for refused destinations, OSError (timeouts included) for network
    failures and http.client.HTTPException for broken answers."""
    timeout = timeout or settings.FETCH_TIMEOUT
    for _hop in range(settings.FETCH_MAX_REDIRECTS + 1):
        response = _once(method, url, headers or {}, body, timeout)
        location = response.headers.get("location")
        if not follow_redirects or response.status not in REDIRECTS or not location:
            return response
        url = urljoin(url, location)
        if response.status == 303:
            method, body = "GET", None
    raise FetchRefused("too_many_redirects", "too many redirects")
