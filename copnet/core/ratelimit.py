"""Fixed-window rate limits shared by every process.

Scopes and their limits are `settings.RATE_LIMITS` (`COPNET_RATE_LIMITS`). A counter's key is a
keyed hash (HMAC with SECRET_KEY) of the scope and the identity, so neither addresses nor tracking
codes are kept in clear; it expires with its window. The counters are in Redis when configured,
else in a SQLite file of their own (`ratelimit_store`). If the store fails, the request is let
through (a reporting hotline stays up) and the failure is logged.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

from copnet.core import ratelimit_store as store
from copnet.core.client_address import client_bucket

log = logging.getLogger(__name__)


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


def hit(scope: str, identity: str, *, cost: int = 1, rate: tuple[int, int] | None = None) -> Hit:
    """Count `cost` attempts of `identity` in `scope` (e.g. one POST from one address); the
    limit is `settings.RATE_LIMITS[scope]` unless `rate` (count, seconds) is given."""
    limit, seconds = rate or settings.RATE_LIMITS[scope]
    key = counter_key(scope, identity)
    try:
        count, remaining = store.hit(key, seconds, cost)
    except Exception:  # the store is down: do not refuse, but say so
        log.exception("rate limit store failed; %s not counted", scope)
        return Hit(count=0, limit=limit, retry_after=0)
    return Hit(
        count=count, limit=limit, retry_after=max(1, math.ceil(remaining)), cost_of_last=cost
    )


def peek(scope: str, identity: str, *, rate: tuple[int, int] | None = None) -> Hit:
    """The current count of `identity` in `scope`, without counting."""
    limit, _seconds = rate or settings.RATE_LIMITS[scope]
    try:
        count, remaining = store.peek(counter_key(scope, identity))
    except Exception:
        log.exception("rate limit store failed; %s not read", scope)
        return Hit(count=0, limit=limit, retry_after=0)
    return Hit(count=count, limit=limit, retry_after=max(1, math.ceil(remaining)))


def forget(scope: str, identity: str) -> None:
    store.forget(counter_key(scope, identity))


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
