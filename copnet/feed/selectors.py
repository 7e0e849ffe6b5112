"""Reads of the feed: contents at a version, diffs, the prefix index, exports."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Q, QuerySet

from copnet.accounts.permissions import access, visible_to

from .choices import EntryKind
from .exports import hosts_file, rpz_zone
from .index import PrefixIndex
from .models import FeedEntry, FeedVersion

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal


def latest_version() -> int:
    row = FeedVersion.objects.order_by("-number").values_list("number", flat=True).first()
    return row or 0


def _latest_stamp() -> tuple[int, str]:
    """(number, publication time): identifies a published version even if a database is
    rebuilt and numbers start again (the cache below outlives databases in tests)."""
    row = FeedVersion.objects.order_by("-number").values_list("number", "published_at").first()
    return (row[0], row[1].isoformat()) if row else (0, "")


def entries_at(version: int, *, public_only: bool) -> QuerySet[FeedEntry]:
    """Entries in the feed as published at `version` (not access-scoped: the feed itself is
    what ecosystem apps receive; it never includes the case)."""
    rows = FeedEntry.objects.filter(added_in_version__gte=1, added_in_version__lte=version).filter(
        Q(withdrawn_in_version__isnull=True) | Q(withdrawn_in_version__gt=version)
    )
    return rows.filter(is_public=True) if public_only else rows


def prefixes_at(version: int, *, public_only: bool) -> set[str]:
    return set(
        entries_at(version, public_only=public_only)
        .exclude(kind=EntryKind.HASH)
        .values_list("prefix", flat=True)
    )


def diff(old: int, new: int, *, public_only: bool) -> dict[str, Any]:
    """Prefixes to add and to remove to turn a client's copy at `old` into `new`."""
    before = prefixes_at(old, public_only=public_only) if old else set()
    after = prefixes_at(new, public_only=public_only)
    return {
        "from": old,
        "to": new,
        "additions": sorted(after - before),
        "removals": sorted(before - after),
    }


_CACHE: dict[tuple[int, str, bool], tuple[PrefixIndex, list[dict[str, str]]]] = {}
_LOCK = threading.Lock()


def prefix_index(
    version: int, *, public_only: bool, stamp: str = ""
) -> tuple[PrefixIndex, list[dict[str, str]]]:
    """The index of a published version, built once per process (versions never change)."""
    key = (version, stamp, public_only)
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
    rows = list(
        entries_at(version, public_only=public_only)
        .exclude(kind=EntryKind.HASH)
        .values_list("full_hash", "kind", "category__code", "severity")
    )
    index = PrefixIndex([bytes.fromhex(r[0]) for r in rows])
    meta = [{"kind": r[1], "category": r[2], "severity": r[3]} for r in rows]
    with _LOCK:
        if len(_CACHE) > 4:
            _CACHE.clear()
        _CACHE[key] = (index, meta)
    return index, meta


def lookup(prefixes: list[bytes], *, public_only: bool) -> dict[str, Any]:
    version, stamp = _latest_stamp()
    index, meta = prefix_index(version, public_only=public_only, stamp=stamp)
    matches = []
    for prefix, found in zip(prefixes, index.lookup(prefixes), strict=True):
        if found:
            matches.append(
                {
                    "prefix": prefix.hex(),
                    "full_hashes": [{"hash": h.hex(), **meta[i]} for h, i in found],
                }
            )
    return {"version": version, "matches": matches, "cache_seconds": 300}


def _hosts(version: int, *, public_only: bool, category: str = "") -> QuerySet[FeedEntry]:
    rows = entries_at(version, public_only=public_only).filter(kind=EntryKind.HOST)
    if category:
        rows = rows.filter(category__code=category)
    return rows.order_by("value")


def rpz(version: int, *, public_only: bool, category: str = "") -> str:
    rows = _hosts(version, public_only=public_only, category=category).values_list(
        "value", "category__code"
    )
    return rpz_zone(rows.iterator(chunk_size=5000), origin=settings.FEED_RPZ_ZONE, serial=version)


def hosts(version: int, *, public_only: bool, category: str = "") -> str:
    rows = _hosts(version, public_only=public_only, category=category).values_list(
        "value", flat=True
    )
    return hosts_file(rows.iterator(chunk_size=5000), version=version)


def plain_list(version: int, *, public_only: bool, kind: str, category: str = "") -> QuerySet:
    rows = entries_at(version, public_only=public_only).filter(kind=kind)
    if category:
        rows = rows.filter(category__code=category)
    return rows.order_by("value").values("value", "signal_type", "category__code", "severity")


# --- Staff --------------------------------------------------------------------------------------


def entries_visible_to(principal: Principal | None) -> QuerySet[FeedEntry]:
    return visible_to(principal, FeedEntry.objects.select_related("category", "case"))


def access_entry(principal: Principal | None, pk: int) -> FeedEntry:
    return access(principal, FeedEntry.objects.select_related("category", "case"), pk=pk)
