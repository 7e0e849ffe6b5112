"""Organisations' webhooks: a new P1 case, or one raised to P1 by a triage correction, is POSTed
to the lead organisation's paging system (once per case and webhook).

The body is JSON without personal data (reference, priority, category, lead, link). Headers:
`X-COPNet-Event`, `X-COPNet-Timestamp` (Unix seconds) and `X-COPNet-Signature:
sha256=<hex>`, the HMAC-SHA256 with the webhook's secret of `<timestamp>.<body>`. Sent by a task
enqueued on commit, through the takedowns' SSRF-safe client (`takedowns.fetch`: no private or
loopback destinations, no redirects followed); failures (network, 408, 429, 5xx) are retried
with doubling waits by the periodic `retry_webhooks`, up to MAX_ATTEMPTS. Each delivery row is
the log: attempts, last HTTP status, last error, when delivered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Sequence

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from copnet.cases.choices import Priority
from copnet.cases.models import Case
from copnet.core.links import absolute_reverse
from copnet.core.retries import doubling_wait
from copnet.core.tasks import enqueue_on_commit
from copnet.takedowns import fetch

from .choices import DeliveryState, WebhookEvent
from .models import Webhook, WebhookDelivery

MAX_ATTEMPTS = 8
BACKOFF_SECONDS = 30
TIMEOUT_SECONDS = 10
SIGNATURE_HEADER = "X-COPNet-Signature"
TIMESTAMP_HEADER = "X-COPNet-Timestamp"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def backoff_seconds(attempt: int) -> int:
    return doubling_wait(BACKOFF_SECONDS, attempt)


def queue_p1_webhooks(cases: Sequence[Case]) -> int:
    """One delivery per P1 case and active webhook of its lead organisation (once: the unique
    constraint makes a second call a no-op); each sent by a task after commit."""
    p1 = [c for c in cases if c.priority == Priority.P1 and c.lead_org_id]
    if not p1:
        return 0
    hooks = {
        hook.organisation_id: hook
        for hook in Webhook.objects.filter(
            active=True, organisation_id__in={c.lead_org_id for c in p1}
        )
    }
    made = 0
    with transaction.atomic():
        for case in p1:
            hook = hooks.get(case.lead_org_id or 0)
            if hook is None:
                continue
            delivery, created = WebhookDelivery.objects.get_or_create(
                webhook=hook, case=case, event=WebhookEvent.P1_CASE
            )
            if created:
                made += 1
                enqueue_on_commit("copnet.alerts.tasks.deliver_webhook", delivery.pk)
    return made


def _body(delivery: WebhookDelivery) -> bytes:
    case = delivery.case
    payload = {
        "event": delivery.event,
        "delivery": delivery.pk,
        "case": {
            "reference": case.reference,
            "priority": f"P{case.priority}",
            "category": case.category.code,
            "lead": case.lead_org.code if case.lead_org else None,
            "status": case.status,
            "next_due": case.next_due.isoformat() if case.next_due else None,
            "url": absolute_reverse("cases:detail", case.reference),
        },
    }
    return json.dumps(payload, sort_keys=True).encode("utf-8")


class _Retry(Exception):
    pass


def _post(delivery: WebhookDelivery) -> int:
    hook = delivery.webhook
    body = _body(delivery)
    timestamp = str(int(timezone.now().timestamp()))
    headers = {
        "Content-Type": "application/json",
        "X-COPNet-Event": delivery.event,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(hook.secret, timestamp, body),
    }
    try:
        response = fetch.fetch(
            hook.url,
            method="POST",
            headers=headers,
            body=body,
            follow_redirects=False,
            timeout=TIMEOUT_SECONDS,
        )
    except fetch.FetchRefused as exc:
        raise ValueError(exc.detail) from None
    except Exception as exc:  # noqa: BLE001  network errors, timeouts, broken answers
        raise _Retry(f"{type(exc).__name__}: {exc}") from None
    if response.status in {408, 429} or response.status >= 500:
        raise _Retry(f"HTTP {response.status}")
    if not 200 <= response.status < 300:
        raise ValueError(f"HTTP {response.status}")
    return response.status


def deliver(delivery_id: int) -> str:
    """One attempt, if one is due; claimed by a conditional UPDATE so two workers never send
    the same attempt; a delivered event is never sent again. Returns the state afterwards."""
    now = timezone.now()
    row = (
        WebhookDelivery.objects.select_related("webhook", "case__category", "case__lead_org")
        .filter(pk=delivery_id)
        .first()
    )
    if row is None or row.state != DeliveryState.PENDING:
        return row.state if row else ""
    if row.next_attempt_at is not None and row.next_attempt_at > now:
        return row.state
    lease = now + dt.timedelta(seconds=TIMEOUT_SECONDS * 4)
    claimed = WebhookDelivery.objects.filter(
        pk=row.pk, state=DeliveryState.PENDING, attempts=row.attempts
    ).update(attempts=F("attempts") + 1, next_attempt_at=lease)
    if claimed != 1:
        return DeliveryState.PENDING
    attempt = row.attempts + 1
    status: int | None = None
    try:
        status = _post(row)
    except _Retry as exc:
        return _failed(row, attempt, str(exc), retry=attempt < MAX_ATTEMPTS)
    except ValueError as exc:
        return _failed(row, attempt, str(exc), retry=False)
    WebhookDelivery.objects.filter(pk=row.pk).update(
        state=DeliveryState.DELIVERED,
        delivered_at=timezone.now(),
        next_attempt_at=None,
        last_status=status,
        last_error="",
    )
    return DeliveryState.DELIVERED


def _failed(row: WebhookDelivery, attempt: int, error: str, *, retry: bool) -> str:
    state = DeliveryState.PENDING if retry else DeliveryState.FAILED
    status = int(error[5:8]) if error.startswith("HTTP ") and error[5:8].isdigit() else None
    WebhookDelivery.objects.filter(pk=row.pk).update(
        state=state,
        last_error=error[:300],
        last_status=status,
        next_attempt_at=(
            timezone.now() + dt.timedelta(seconds=backoff_seconds(attempt)) if retry else None
        ),
    )
    return state


def due_deliveries(now: dt.datetime | None = None) -> list[int]:
    """Pending deliveries whose wait (or a dead attempt's lease) has passed, and those never
    attempted a minute after they were made (their task was lost)."""
    now = now or timezone.now()
    lost = now - dt.timedelta(seconds=60)
    return list(
        WebhookDelivery.objects.filter(state=DeliveryState.PENDING)
        .filter(Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, created_at__lte=lost))
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
