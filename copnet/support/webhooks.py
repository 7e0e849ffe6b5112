"""Signed webhooks to a hotline's own system: queued with the change, delivered by a task.

`queue_event` writes one `WebhookDelivery` (its `event_id` is new) inside the caller's
transaction and enqueues `tasks.deliver_webhook` on commit. `deliver` claims the row with a
conditional UPDATE, so two workers never send the same attempt, and a delivered row is never
sent again; the same event id and body go out on every attempt, so the receiver counts it
once. Network errors, timeouts, 408, 429 and 5xx are retried with doubling backoff, at most
`SUPPORT_WEBHOOK_MAX_ATTEMPTS` attempts; other answers and refused destinations fail at once.
Outbound HTTP goes through `takedowns.fetch` (no private or loopback destinations; each hop
checked). The delivery log (`views.deliveries`) shows every row.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from copnet.accounts.choices import Role
from copnet.accounts.models import User
from copnet.audit.choices import AuditAction
from copnet.audit.services import record
from copnet.core.links import absolute_reverse
from copnet.core.mail import queue_email
from copnet.core.retries import doubling_wait
from copnet.core.tasks import enqueue_on_commit
from copnet.takedowns import fetch

from .choices import DeliveryState, WebhookEvent
from .models import HotlineEndpoint, Referral, WebhookDelivery
from .signing import (
    EVENT_HEADER,
    EVENT_ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    signature_header,
)

TASK = "copnet.support.tasks.deliver_webhook"


def endpoint_for(organisation_id: int) -> HotlineEndpoint | None:
    return HotlineEndpoint.objects.filter(organisation_id=organisation_id, is_active=True).first()


def queue_event(
    *,
    organisation_id: int,
    event: str,
    payload: dict[str, Any],
    referral: Referral | None = None,
    case: Any = None,
) -> WebhookDelivery | None:
    """One delivery to the organisation's active endpoint (None without one)."""
    endpoint = endpoint_for(organisation_id)
    if endpoint is None:
        return None
    delivery = WebhookDelivery(endpoint=endpoint, event=event, referral=referral, case=case)
    delivery.payload = {
        "event_id": str(delivery.event_id),
        "event": event,
        "occurred_at": timezone.now().isoformat(),
        "data": payload,
    }
    delivery.save()
    enqueue_on_commit(TASK, delivery.pk)
    return delivery


def referral_payload(referral: Referral) -> dict[str, Any]:
    """What the receiving body is told: the referral, and only the fields chosen to share."""
    case = referral.case
    data: dict[str, Any] = {
        "reference": referral.reference,
        "case_reference": case.reference,
        "status": referral.status,
        "service": referral.service,
        "risk_level": referral.risk_level,
        "sent_at": referral.sent_at.isoformat(),
        "intervention_due": (
            referral.intervention_due.isoformat() if referral.intervention_due else None
        ),
        "plan_due": referral.plan_due.isoformat(),
        "reason": referral.reason,
        "shared": {},
    }
    shared = data["shared"]
    chosen = set(referral.shared_fields)
    if "category" in chosen:
        shared["category"] = case.category.code if case.category_id else ""
    if "age_band" in chosen:
        shared["age_band"] = case.child_age_band
    if "province" in chosen:
        shared["province"] = case.province
    if "child_name" in chosen:
        shared["child_name"] = referral.child_name
    if "contact" in chosen:
        shared["contact"] = referral.child_contact
    if "summary" in chosen:
        shared["summary"] = referral.summary
    if referral.outcome:
        data["outcome"] = referral.outcome
    return data


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()


def backoff_seconds(attempt: int) -> int:
    return doubling_wait(settings.SUPPORT_WEBHOOK_BACKOFF_SECONDS, attempt)


class _Retry(Exception):
    pass


class _Fail(Exception):
    pass


def deliver(delivery_id: int) -> str:
    """One attempt, if one is due; returns the state afterwards. Safe to run twice."""
    now = timezone.now()
    row = (
        WebhookDelivery.objects.select_related("endpoint__organisation")
        .filter(pk=delivery_id)
        .first()
    )
    if row is None or row.state != DeliveryState.PENDING:
        return row.state if row else DeliveryState.FAILED
    if row.next_attempt_at is not None and row.next_attempt_at > now:
        return row.state
    lease = now + dt.timedelta(seconds=settings.SUPPORT_WEBHOOK_TIMEOUT * 4 + 5)
    claimed = WebhookDelivery.objects.filter(
        pk=row.pk, state=DeliveryState.PENDING, attempts=row.attempts
    ).update(attempts=F("attempts") + 1, next_attempt_at=lease)
    if claimed != 1:
        return DeliveryState.PENDING
    attempt = row.attempts + 1
    status: int | None = None
    try:
        if not row.endpoint.is_active:
            raise _Fail("the hotline link is switched off")
        status = _send(row)
    except _Retry as exc:
        retry = attempt < settings.SUPPORT_WEBHOOK_MAX_ATTEMPTS
        return _after_failure(row, attempt, str(exc), status=_status_of(exc), retry=retry)
    except _Fail as exc:
        return _after_failure(row, attempt, str(exc), status=_status_of(exc), retry=False)
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=row.pk).update(
            state=DeliveryState.DELIVERED,
            next_attempt_at=None,
            last_error="",
            last_status=status,
            delivered_at=timezone.now(),
        )
        record(
            actor=None,
            action=AuditAction.UPDATE,
            target=row,
            changes={"state": DeliveryState.DELIVERED, "attempt": attempt, "status": status},
            reason="webhook delivered",
        )
    return DeliveryState.DELIVERED


def _status_of(exc: Exception) -> int | None:
    return exc.args[1] if len(exc.args) > 1 else None


def _send(row: WebhookDelivery) -> int:
    body = body_of(row)
    stamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        EVENT_HEADER: row.event,
        EVENT_ID_HEADER: str(row.event_id),
        TIMESTAMP_HEADER: str(stamp),
        SIGNATURE_HEADER: signature_header(row.endpoint.secret, stamp, body),
    }
    try:
        response = fetch.fetch(
            row.endpoint.url,
            method="POST",
            headers=headers,
            body=body,
            follow_redirects=False,
            timeout=settings.SUPPORT_WEBHOOK_TIMEOUT,
        )
    except fetch.FetchRefused as exc:
        raise _Fail(f"{exc.code}: {exc.detail}") from None
    except Exception as exc:  # noqa: BLE001  network errors, timeouts, broken answers
        raise _Retry(f"{type(exc).__name__}: {exc}") from None
    if response.status in {408, 429} or response.status >= 500:
        raise _Retry(f"HTTP {response.status}", response.status)
    if not 200 <= response.status < 300:
        raise _Fail(f"HTTP {response.status}", response.status)
    return response.status


def _after_failure(
    row: WebhookDelivery, attempt: int, error: str, *, status: int | None, retry: bool
) -> str:
    state = DeliveryState.PENDING if retry else DeliveryState.FAILED
    now = timezone.now()
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=row.pk).update(
            state=state,
            last_error=error[:300],
            last_status=status,
            next_attempt_at=now + dt.timedelta(seconds=backoff_seconds(attempt)) if retry else None,
        )
        record(
            actor=None,
            action=AuditAction.UPDATE,
            target=row,
            changes={"state": state, "attempt": attempt, "error": error[:300]},
            reason="webhook delivery failed",
        )
        if not retry:
            recipients = User.objects.filter(role=Role.COORDINATOR, is_active=True).exclude(
                email=""
            )
            values = {
                "event": row.event,
                "event_id": row.event_id,
                "organisation": row.endpoint.organisation.code,
                "attempts": attempt,
                "error": error[:300],
            }
            with translation.override("vi"):
                queue_email(
                    key=f"support.webhook-failed:{row.event_id}",
                    to=recipients.values_list("email", flat=True),
                    subject=_("[COPNet] A webhook to %(organisation)s could not be delivered")
                    % values,
                    body=_(
                        "The event %(event)s (%(event_id)s) to %(organisation)s was not "
                        "delivered after %(attempts)s attempts: %(error)s"
                    )
                    % values
                    + "\n\n"
                    + absolute_reverse("support:deliveries"),
                )
    return state


def due_deliveries(now: dt.datetime | None = None) -> list[int]:
    """Pending deliveries whose backoff (or the lease of a dead attempt) has passed, and those
    never attempted RECOVERY_GRACE_S after they were queued (their task was lost)."""
    now = now or timezone.now()
    lost = now - dt.timedelta(seconds=settings.RECOVERY_GRACE_S)
    return list(
        WebhookDelivery.objects.filter(state=DeliveryState.PENDING)
        .filter(Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, created_at__lte=lost))
        .order_by(F("next_attempt_at").asc(nulls_first=True), "pk")
        .values_list("pk", flat=True)[:500]
    )


__all__ = ["WebhookEvent", "deliver", "due_deliveries", "queue_event", "referral_payload"]
