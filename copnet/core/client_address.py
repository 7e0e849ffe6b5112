"""The one answer to "who is the client?": rate limits, login throttling and audit use it.

`X-Forwarded-For` is believed only when the direct peer is one of our own reverse proxies
(`COPNET_TRUSTED_PROXIES`); then the right-most address that is not a trusted proxy is the
client (everything left of it was written by the client itself and may be forged)."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN = "unknown"
_CACHED = "_copnet_client_ip"


@lru_cache(maxsize=8)
def trusted_networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def parse_address(raw: str) -> Address | None:
    """An address as proxies write it: plain, `[v6]`, `[v6]:port` or `v4:port`; None if not."""
    text = raw.strip().strip('"')
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # IPv4 with a port
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == n.version and address in n for n in networks)


def resolve_client(peer: str, forwarded_for: str, proxies: tuple[Network, ...]) -> str:
    """The client address from the direct peer and the X-Forwarded-For chain."""
    direct = parse_address(peer)
    if direct is None:
        return UNKNOWN
    if not forwarded_for or not _trusted(direct, proxies):
        return str(direct)
    client = direct
    for raw in reversed(forwarded_for.split(",")):
        hop = parse_address(raw)
        if hop is None:  # a proxy of ours never writes garbage: stop at the last trusted hop
            break
        client = hop
        if not _trusted(hop, proxies):
            break
    return str(client)


def client_ip(request: HttpRequest) -> str:
    """The client's address for this request (computed once per request)."""
    cached = getattr(request, _CACHED, None)
    if cached is None:
        cached = resolve_client(
            request.META.get("REMOTE_ADDR", ""),
            request.META.get("HTTP_X_FORWARDED_FOR", ""),
            trusted_networks(tuple(settings.TRUSTED_PROXIES)),
        )
        setattr(request, _CACHED, cached)
    return cached


def client_bucket(request: HttpRequest) -> str:
    """What rate limits count: the IPv4 address, or the /64 of an IPv6 address (one
    subscriber usually holds a whole /64, so counting single addresses would not limit)."""
    address = parse_address(client_ip(request))
    if address is None:
        return UNKNOWN
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)
