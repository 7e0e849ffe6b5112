"""django-ninja throttling for the whole API, on the shared atomic counters (`core.ratelimit`).

ninja's own `AuthRateThrottle` keeps a list of timestamps with `cache.get` then `cache.set`, so
concurrent calls are lost, and it keys on `str(request.auth)`; this one counts atomically and
keys on what the caller authenticated as."""

from __future__ import annotations

import threading
from typing import Any

from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from .ratelimit import check_rate


def caller(request: HttpRequest) -> tuple[str, str | None]:
    """(scope, identity): a partner key, a volunteer key or signed-in user, or the address."""
    auth: Any = getattr(request, "auth", None)
    if getattr(auth, "is_api_key", False):
        return "api-key", f"key:{auth.pk}"
    if getattr(auth, "is_authenticated", False):  # volunteer key or staff session
        return "api-key", f"user:{auth.pk}"
    return "api-anonymous", None  # None: the client's address


class ApiThrottle(BaseThrottle):
    def __init__(self) -> None:
        self._local = threading.local()  # one instance serves every thread

    def allow_request(self, request: HttpRequest) -> bool:
        scope, identity = caller(request)
        self._local.wait = check_rate(request, scope, identity=identity)
        return self._local.wait == 0

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None) or None
