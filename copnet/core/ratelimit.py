"""Fixed-window rate limits shared by every process, counted atomically.

Scopes and their limits are `settings.RATE_LIMITS` (`COPNET_RATE_LIMITS`). A counter's key is a
keyed hash (HMAC with SECRET_KEY) of the scope and the identity, so neither addresses nor tracking
codes are kept in clear, and it expires with its window.

Where the counters live:
- With `REDIS_URL`: in Redis, one Lua script per hit (INCRBY and, on a new key, PEXPIRE), atomic
  on the server. Django's own `cache.incr` is not used: it checks EXISTS then INCRBY, and a key
  expiring in between would come back without an expiry, a permanent lock-out.
- Otherwise: in the default cache (files under `var/cache`), read and written under an exclusive
  `flock` on `RATE_LIMIT_LOCK_FILE`, so the gunicorn workers of one host count together. The file
  cache's own `add`/`incr` are read-then-write and lose counts under concurrent requests.

If the store fails, the request is let through (a reporting hotline stays up) and logged.
"""

from __future__ import annotations

import fcntl
import logging
import math
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

from copnet.core.client_address import client_bucket

log = logging.getLogger(__name__)

_LUA_HIT = """
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
"""


@dataclass(frozen=True)
class Hit:
    count: int
    limit: int
    retry_after: int  # seconds until the window ends
    cost_of_last: int = 1

    @property
    def refused(self) -> bool:
        return self.count > self.limit

    @property
    def first_refusal(self) -> bool:
        return self.refused and self.count - self.limit <= self.cost_of_last


def counter_key(scope: str, identity: str) -> str:
    digest = salted_hmac("copnet.core.ratelimit", f"{scope}\x00{identity}").hexdigest()
    return f"rl:{digest[:40]}"


@lru_cache(maxsize=4)
def _redis(url: str) -> Any:
    import redis

    client = redis.Redis.from_url(url)
    return client, client.register_script(_LUA_HIT)


def _redis_hit(key: str, seconds: int, cost: int) -> tuple[int, float]:
    client, script = _redis(settings.REDIS_URL)
    count, ttl_ms = script(keys=[key], args=[seconds * 1000, cost], client=client)
    return int(count), int(ttl_ms) / 1000


class _HostLock:
    """An exclusive lock shared by every process of this host (each use opens the file anew,
    so threads of one process exclude each other as well)."""

    def __enter__(self) -> None:
        path = settings.RATE_LIMIT_LOCK_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(path, "a+b")  # noqa: SIM115 - closed in __exit__
        fcntl.flock(self.handle, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def _cache_hit(key: str, seconds: int, cost: int) -> tuple[int, float]:
    with _HostLock():
        now = time.time()
        entry = cache.get(key)
        count, ends = entry if entry and entry[1] > now else (0, now + seconds)
        count += cost
        cache.set(key, (count, ends), timeout=math.ceil(ends - now))
    return count, ends - now


def hit(scope: str, identity: str, *, cost: int = 1, rate: tuple[int, int] | None = None) -> Hit:
    """Count `cost` attempts of `identity` in `scope` (e.g. one POST from one address); the
    limit is `settings.RATE_LIMITS[scope]` unless `rate` (count, seconds) is given."""
    limit, seconds = rate or settings.RATE_LIMITS[scope]
    key = counter_key(scope, identity)
    try:
        if settings.REDIS_URL:
            count, remaining = _redis_hit(key, seconds, cost)
        else:
            count, remaining = _cache_hit(key, seconds, cost)
    except Exception:  # the store is down: do not refuse, but say so
        log.exception("rate limit store failed; %s not counted", scope)
        return Hit(count=0, limit=limit, retry_after=0)
    return Hit(
        count=count, limit=limit, retry_after=max(1, math.ceil(remaining)), cost_of_last=cost
    )


def peek(scope: str, identity: str, *, rate: tuple[int, int] | None = None) -> Hit:
    """The current count of `identity` in `scope`, without counting."""
    limit, _seconds = rate or settings.RATE_LIMITS[scope]
    key = counter_key(scope, identity)
    try:
        if settings.REDIS_URL:
            client, _script = _redis(settings.REDIS_URL)
            raw, ttl_ms = client.get(key), client.pttl(key)
            count, remaining = int(raw or 0), max(0, ttl_ms) / 1000
        else:
            entry = cache.get(key)
            now = time.time()
            count, remaining = (entry[0], entry[1] - now) if entry and entry[1] > now else (0, 0)
    except Exception:
        log.exception("rate limit store failed; %s not read", scope)
        return Hit(count=0, limit=limit, retry_after=0)
    return Hit(count=count, limit=limit, retry_after=max(1, math.ceil(remaining)))


def forget(scope: str, identity: str) -> None:
    key = counter_key(scope, identity)
    if settings.REDIS_URL:
        client, _script = _redis(settings.REDIS_URL)
        client.delete(key)
    else:
        with _HostLock():
            cache.delete(key)


def check_rate(request: HttpRequest, scope: str, *, identity: str | None = None) -> int:
    """Count this request in `scope` for the client's address (or for `identity`); the seconds
    to wait when over the limit, else 0. The first refusal of a window is audited."""
    counted = hit(scope, client_bucket(request) if identity is None else identity)
    if not counted.refused:
        return 0
    if counted.first_refusal:
        _audit_refusal(request, scope)
    return counted.retry_after


def check_rates(request: HttpRequest, *checks: tuple[str, str | None]) -> int:
    """Several counters at once, e.g. per address and per tracking code: every one is counted,
    and the longest wait is the answer."""
    return max(
        (check_rate(request, scope, identity=identity) for scope, identity in checks), default=0
    )


def _audit_refusal(request: HttpRequest, scope: str) -> None:
    from copnet.audit.choices import AuditAction
    from copnet.audit.services import record

    auth = getattr(request, "auth", None)
    actor = auth if getattr(auth, "is_api_key", False) else getattr(request, "user", None)
    record(
        actor=actor,
        action=AuditAction.DENIED,
        target_type="rate limit",
        target_id=scope,
        reason=f"over {settings.RATE_LIMITS[scope][0]} per {settings.RATE_LIMITS[scope][1]}s",
    )


def wait_message(retry_after: int) -> str:
    minutes = max(1, math.ceil(retry_after / 60))
    return ngettext(
        "Too many tries from your connection. Please wait %(minutes)s minute and try again.",
        "Too many tries from your connection. Please wait %(minutes)s minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


def refused_page(
    request: HttpRequest, template: str, context: dict[str, Any], retry_after: int
) -> HttpResponse:
    """The form again (what was typed is kept), with 429 and Retry-After."""
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(retry_after)
    return response
