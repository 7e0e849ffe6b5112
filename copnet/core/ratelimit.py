"""Fixed-window rate limits kept in the shared cache (works across processes)."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def too_many(scope: str, identity: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt; True once more than `limit` attempts fall in the current window."""
    key = "rl:" + hashlib.sha256(f"{scope}:{identity}".encode()).hexdigest()
    cache.add(key, 0, timeout=window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        count = 1
    return count > limit
