"""DNS Response Policy Zone and hosts-file text for blocked hosts (no Django).

Hosts are canonical ASCII (punycode) names. In the RPZ each host gets two records, the name and
its wildcard, both "CNAME ." (NXDOMAIN), relative to the zone origin as RPZ requires.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
MAX_NAME = 253


def valid_dns_name(host: str) -> bool:
    """Letters, digits, hyphens (not at label ends) and underscores; at least two labels."""
    if not host or len(host) > MAX_NAME or host != host.lower():
        return False
    labels = host.split(".")
    return len(labels) >= 2 and all(_LABEL.fullmatch(label) for label in labels)


def rpz_zone(
    hosts: Iterable[tuple[str, str]],
    *,
    origin: str,
    serial: int,
    generated: dt.datetime | None = None,
) -> str:
    """The zone file; `hosts` are (host, comment) pairs (the comment: its category)."""
    origin = origin.rstrip(".") + "."
    stamp = (generated or dt.datetime.now(tz=dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    parts = [
        f"; COPNet protection feed, version {serial}, generated {stamp}\n",
        f"$ORIGIN {origin}\n",
        "$TTL 300\n",
        f"@ IN SOA localhost. hostmaster.{origin} ({serial} 3600 600 604800 300)\n",
        "@ IN NS localhost.\n",
    ]
    write = parts.append
    for host, comment in hosts:
        write(f"{host} CNAME . ; {comment}\n*.{host} CNAME .\n")
    return "".join(parts)


def hosts_file(hosts: Iterable[str], *, version: int) -> str:
    lines = [f"# COPNet protection feed, version {version}\n"]
    lines.extend(f"0.0.0.0 {host}\n" for host in hosts)
    return "".join(lines)
