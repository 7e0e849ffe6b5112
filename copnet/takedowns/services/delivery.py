"""Delivering a sent request to its platform (e-mail with the PDF notice, or the platform's
HTTP API through the SSRF-safe `fetch`), with retries and backoff; or marked delivered by an
officer who used the platform's web form."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from copnet.audit.choices import AuditAction
from copnet.audit.services import record, record_change
from copnet.core.links import absolute_reverse
from copnet.core.retries import doubling_wait

from .. import fetch
from ..choices import Delivery, RequestStatus, SendChannel
from ..errors import TakedownError, TakedownErrorCode
from ..models import RemovalRequest
from ..notices import notice_pdf, reminder_line
from .escalation import notify_coordinators

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal


class _Retry(Exception):
    """A failure worth another attempt (network error, 5xx, 408, 429)."""


def backoff_seconds(attempt: int) -> int:
    return doubling_wait(settings.TAKEDOWN_BACKOFF_SECONDS, attempt)


def deliver(request_id: int) -> str:
    """One delivery attempt, if one is due. Idempotent: the row is claimed with a conditional
    UPDATE, a delivered request is never sent again, and the platform receives the request's
    reference as `Idempotency-Key`. Returns the delivery state afterwards."""
    now = timezone.now()
    row = RemovalRequest.objects.select_related("platform", "case__category").get(pk=request_id)
    if row.delivery != Delivery.PENDING:
        return row.delivery
    if row.next_attempt_at is not None and row.next_attempt_at > now:
        return row.delivery
    lease = now + dt.timedelta(seconds=settings.TAKEDOWN_HTTP_TIMEOUT * 4)
    claimed = RemovalRequest.objects.filter(
        pk=row.pk, delivery=Delivery.PENDING, attempts=row.attempts
    ).update(attempts=F("attempts") + 1, next_attempt_at=lease)
    if claimed != 1:
        return Delivery.PENDING
    attempt = row.attempts + 1
    try:
        platform_ref = _send(row)
    except _Retry as exc:
        return _after_failure(
            row, attempt, str(exc), retry=attempt < settings.TAKEDOWN_MAX_ATTEMPTS
        )
    except TakedownError as exc:
        return _after_failure(row, attempt, exc.message, retry=False)
    with transaction.atomic():
        RemovalRequest.objects.filter(pk=row.pk).update(
            delivery=Delivery.DELIVERED,
            next_attempt_at=None,
            last_error="",
            platform_ref=platform_ref or row.platform_ref,
        )
        record(
            actor=None,
            action=AuditAction.UPDATE,
            target=row,
            changes={"delivery": Delivery.DELIVERED, "attempt": attempt},
            reason="removal request delivered",
        )
    return Delivery.DELIVERED


def _after_failure(row: RemovalRequest, attempt: int, error: str, *, retry: bool) -> str:
    now = timezone.now()
    state = Delivery.PENDING if retry else Delivery.FAILED
    with transaction.atomic():
        RemovalRequest.objects.filter(pk=row.pk).update(
            delivery=state,
            last_error=error[:300],
            next_attempt_at=now + dt.timedelta(seconds=backoff_seconds(attempt)) if retry else None,
        )
        record(
            actor=None,
            action=AuditAction.UPDATE,
            target=row,
            changes={"delivery": state, "attempt": attempt, "error": error[:300]},
            reason="removal request delivery failed",
        )
        if not retry:
            notify_coordinators(
                f"undeliverable-{attempt}",
                gettext_noop("[COPNet] Removal request %(reference)s could not be delivered"),
                gettext_noop(
                    "The removal request %(reference)s to %(platform)s could not be delivered "
                    "after %(attempts)s attempts: %(error)s\nSend it another way and record it."
                ),
                row,
                attempts=attempt,
                error=error[:300],
            )
    return state


def _send(row: RemovalRequest) -> str:
    if row.platform.channel == SendChannel.EMAIL:
        again = f" ({row.renotice_count})" if row.renotice_count else ""
        message = EmailMessage(
            subject=f"[VN-COP] Yêu cầu gỡ bỏ / Removal request {row.reference}{again}",
            body=reminder_line(row) + row.notice,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[row.platform.email],
            headers={"X-COPNet-Reference": row.reference},
        )
        message.attach(f"{row.reference}.pdf", notice_pdf(row), "application/pdf")
        try:
            message.send()
        except OSError as exc:
            raise _Retry(f"e-mail: {exc}") from None
        return ""
    return _send_api(row)


def _send_api(row: RemovalRequest) -> str:
    payload = {
        "reference": row.reference,
        "legal_basis": row.legal_basis,
        "urgency": row.urgency,
        "sent_at": row.sent_at.isoformat() if row.sent_at else None,
        "deadline": row.deadline.isoformat() if row.deadline else None,
        "category": row.case.category.code,
        "items": [{"kind": i.kind, "value": i.value} for i in row.items.all()],
        "notice": reminder_line(row) + row.notice,
        "renotice": row.renotice_count,
        "callback_url": absolute_reverse("api:callback"),
    }
    key = f"{row.reference}-R{row.renotice_count}" if row.renotice_count else row.reference
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": key,
        "Accept": "application/json",
    }
    if row.platform.api_token:
        headers["Authorization"] = f"Bearer {row.platform.api_token}"
    try:
        response = fetch.fetch(
            row.platform.api_url,
            method="POST",
            headers=headers,
            body=json.dumps(payload).encode(),
            follow_redirects=False,
            timeout=settings.TAKEDOWN_HTTP_TIMEOUT,
        )
    except fetch.FetchRefused as exc:
        raise TakedownError(TakedownErrorCode(exc.code), exc.detail) from None
    except Exception as exc:  # noqa: BLE001  network errors, timeouts, broken answers
        raise _Retry(f"{type(exc).__name__}: {exc}") from None
    if response.status in {408, 429} or response.status >= 500:
        raise _Retry(f"HTTP {response.status}")
    if not 200 <= response.status < 300:
        raise TakedownError(TakedownErrorCode.REFUSED_BY_API, f"HTTP {response.status}")
    try:
        answer = json.loads(response.body or b"{}")
    except ValueError:
        return ""
    ticket = answer.get("ticket") if isinstance(answer, dict) else None
    return str(ticket)[:100] if ticket else ""


def due_deliveries(now: dt.datetime | None = None) -> list[int]:
    """Pending deliveries whose backoff (or the lease of a dead attempt) has passed, and those
    never attempted RECOVERY_GRACE_S after sending: their task was lost (a web process died
    between commit and enqueue, or the worker died before it ran)."""
    now = now or timezone.now()
    lost = now - dt.timedelta(seconds=settings.RECOVERY_GRACE_S)
    return list(
        RemovalRequest.objects.filter(delivery=Delivery.PENDING)
        .filter(Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, sent_at__lte=lost))
        .order_by(F("next_attempt_at").asc(nulls_first=True), "pk")
        .values_list("pk", flat=True)[:500]
    )


def do_mark_delivered_manually(
    *, request: RemovalRequest, actor: Principal | None
) -> RemovalRequest:
    """An officer sent the notice through the platform's web form (or another way)."""
    with transaction.atomic():
        locked = RemovalRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status == RequestStatus.DRAFT or locked.delivery == Delivery.DELIVERED:
            raise TakedownError(TakedownErrorCode.INVALID, _("Send the request first."), status=409)
        locked.delivery, locked.next_attempt_at = Delivery.DELIVERED, None
        locked.save(update_fields=["delivery", "next_attempt_at"])
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=locked,
            changes={"delivery": Delivery.DELIVERED},
            reason="delivered by an officer",
        )
    return locked
