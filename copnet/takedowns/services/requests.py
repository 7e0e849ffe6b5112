"""Writes on removal requests. Each runs in a transaction and writes its audit row itself."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from copnet.accounts.models import User
from copnet.audit.choices import AuditAction
from copnet.audit.services import record, record_change
from copnet.cases.choices import ActionKind
from copnet.cases.errors import WorkflowError
from copnet.cases.models import Case
from copnet.cases.services import do_record_action
from copnet.core.cleaning import (
    format_controls_message,
    has_format_controls,
)
from copnet.core.links import absolute_reverse
from copnet.core.tasks import enqueue_on_commit
from copnet.core.text import clean_text, has_control_characters
from copnet.core.workflow import check
from copnet.detection.base import SignalError
from copnet.detection.urls import canonicalize

from .. import fetch
from ..choices import (
    DEADLINE_HOURS,
    PENDING_STATUSES,
    URGENCY_CAP_HOURS,
    CheckResult,
    Delivery,
    EscalationLevel,
    ItemKind,
    LegalBasis,
    RefusalReason,
    RequestStatus,
    SendChannel,
    Urgency,
    default_urgency,
)
from ..errors import TakedownError, TakedownErrorCode
from ..models import CallbackReceipt, Platform, RemovalItem, RemovalRequest
from ..notices import notice_pdf, notice_text, reminder_line
from ..workflow import REQUEST
from .authorities import default_authority
from .escalation import escalate, notify_coordinators

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
MAX_ITEMS = 100
MAX_ITEM_LENGTH = 2048
MAX_NOTE = 2000


def new_reference() -> str:
    year = timezone.localdate().strftime("%y")
    return f"R{year}-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(7))


def compute_deadline(*, sent_at: dt.datetime, legal_basis: str, urgency: str) -> dt.datetime:
    """Hours by legal basis (`choices.DEADLINE_HOURS`), shortened by urgency, from sending."""
    hours = DEADLINE_HOURS[legal_basis]
    cap = URGENCY_CAP_HOURS.get(urgency)
    if cap is not None:
        hours = min(hours, cap)
    return sent_at + dt.timedelta(hours=hours)


def _clean_line(value: str) -> str:
    """An account name or address cleaned by `core.text.clean_text`; control characters are
    refused rather than dropped (an address with one is not the address the person meant)."""
    if has_control_characters(value.strip(), multiline=False):
        raise TakedownError(
            TakedownErrorCode.INVALID_ITEM, _("An item contains control characters.")
        )
    text = clean_text(value, multiline=False)
    if len(text) > MAX_ITEM_LENGTH:
        raise TakedownError(
            TakedownErrorCode.INVALID_ITEM, _("An item is longer than 2,048 characters.")
        )
    return text


def check_items(*, urls: list[str], accounts: list[str]) -> list[tuple[str, str]]:
    """Validated (kind, value) pairs: addresses must be http(s) URLs. Raises TakedownError."""

    items: list[tuple[str, str]] = []
    for raw in urls:
        if has_format_controls(raw):
            raise TakedownError(TakedownErrorCode.FORMAT_CHARACTERS, format_controls_message(raw))
        url = _clean_line(raw)
        if not url:
            continue
        try:
            canonicalize(url)
        except SignalError:
            raise TakedownError(
                TakedownErrorCode.INVALID_URL,
                _("This is not a web address that can be removed: %(url)s") % {"url": url[:100]},
            ) from None
        if "://" not in url:
            url = "http://" + url
        items.append((ItemKind.URL, url))
    for raw in accounts:
        account = _clean_line(raw)
        if account:
            items.append((ItemKind.ACCOUNT, account))
    items = list(dict.fromkeys(items))
    if not items:
        raise TakedownError(
            TakedownErrorCode.NO_ITEMS, _("Name at least one address or account to remove.")
        )
    if len(items) > MAX_ITEMS:
        raise TakedownError(
            TakedownErrorCode.TOO_MANY_ITEMS, _("At most 100 items fit in one request.")
        )
    return items


def do_create_request(
    *,
    case: Case,
    platform: Platform,
    urls: list[str],
    accounts: list[str],
    legal_basis: str,
    urgency: str,
    actor: Principal | None,
) -> RemovalRequest:
    """A draft request; the case records a "removal requested" action through cases.services.
    An empty `urgency` takes the case's (`choices.default_urgency`: P1 → urgent)."""

    if urgency == "":
        urgency = default_urgency(case.priority)
    if legal_basis not in LegalBasis.values or urgency not in Urgency.values:
        raise TakedownError(
            TakedownErrorCode.INVALID, _("Choose a legal basis and an urgency from the lists.")
        )
    if not platform.is_active:
        raise TakedownError(
            TakedownErrorCode.PLATFORM_INACTIVE, _("This platform is no longer in use.")
        )
    items = check_items(urls=urls, accounts=accounts)
    with transaction.atomic():
        request = RemovalRequest.objects.create(
            reference=new_reference(),
            case=case,
            platform=platform,
            requested_by_org=getattr(actor, "organisation", None),
            legal_basis=legal_basis,
            urgency=urgency,
            created_by=actor if isinstance(actor, User) else None,
            issuing_authority=default_authority(case, actor),
        )
        RemovalItem.objects.bulk_create(
            [RemovalItem(request=request, kind=kind, value=value) for kind, value in items]
        )
        try:
            do_record_action(
                case=case,
                kind=ActionKind.REMOVAL_REQUESTED,
                note=_("Removal request %(reference)s to %(platform)s")
                % {"reference": request.reference, "platform": platform.name},
                actor=actor,
            )
        except WorkflowError as exc:
            raise TakedownError(TakedownErrorCode(exc.code), exc.message) from None
        record_change(
            actor=actor,
            action=AuditAction.CREATE,
            target=request,
            changes={
                "case": case.reference,
                "platform": platform.code,
                "items": len(items),
                "legal_basis": legal_basis,
                "urgency": urgency,
            },
        )
    return request


def _check_channel(platform: Platform) -> str:
    if platform.channel == SendChannel.EMAIL and not platform.email:
        raise TakedownError(
            TakedownErrorCode.NO_CHANNEL, _("The platform has no e-mail for removal requests.")
        )
    if platform.channel == SendChannel.API and not platform.api_url:
        raise TakedownError(TakedownErrorCode.NO_CHANNEL, _("The platform has no API endpoint."))
    if platform.channel == SendChannel.WEB_FORM:
        return Delivery.MANUAL
    return Delivery.PENDING


def do_send_request(*, request: RemovalRequest, actor: Principal | None) -> RemovalRequest:
    """Draft → sent: fixes the deadline and the notice, then delivers in the background."""
    with transaction.atomic():
        locked = RemovalRequest.objects.select_for_update().get(pk=request.pk)
        check(REQUEST, locked.status, RequestStatus.SENT)
        if locked.approved_at is None:
            raise TakedownError(TakedownErrorCode.NOT_APPROVED)
        delivery = _check_channel(locked.platform)
        now = timezone.now()
        locked.deadline = compute_deadline(
            sent_at=now, legal_basis=locked.legal_basis, urgency=locked.urgency
        )
        locked.status, locked.sent_at, locked.delivery = RequestStatus.SENT, now, delivery
        locked.notice = notice_text(locked, locked.deadline)
        locked.next_followup_at = now + dt.timedelta(hours=locked.platform.renotice_hours)
        locked.save()
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=locked,
            changes={
                "status": [RequestStatus.DRAFT, RequestStatus.SENT],
                "channel": locked.platform.channel,
                "deadline": locked.deadline,
                "next_followup_at": locked.next_followup_at,
            },
            reason="removal request sent",
        )
        if delivery == Delivery.PENDING:
            enqueue_on_commit("copnet.takedowns.tasks.deliver_removal_request", locked.pk)
    return locked


# --- Delivery ---------------------------------------------------------------------------------


class _Retry(Exception):
    """A failure worth another attempt (network error, 5xx, 408, 429)."""


def backoff_seconds(attempt: int) -> int:
    return min(settings.TAKEDOWN_BACKOFF_SECONDS * 2 ** (attempt - 1), 6 * 3600)


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


# --- Answers, expiry, escalation ------------------------------------------------------------


def do_record_answer(
    *,
    request: RemovalRequest,
    status: str,
    actor: Principal | None,
    refusal_reason: str = "",
    note: str = "",
    platform_ref: str = "",
    at: dt.datetime | None = None,
    reason: str = "answer recorded by an officer",
) -> RemovalRequest:
    if status not in ANSWERS:
        raise TakedownError(
            TakedownErrorCode.INVALID_STATUS,
            _("The answer must be acknowledged, removed or refused."),
        )
    if status == RequestStatus.REFUSED and refusal_reason not in RefusalReason.values:
        raise TakedownError(TakedownErrorCode.REASON_REQUIRED, _("Say why the platform refused."))
    if len(note) > MAX_NOTE or len(platform_ref) > 100:
        raise TakedownError(
            TakedownErrorCode.TOO_LONG, _("The note or the platform's reference is too long.")
        )
    with transaction.atomic():
        locked = RemovalRequest.objects.select_for_update().get(pk=request.pk)
        check(REQUEST, locked.status, status)
        now = timezone.now()
        when = min(at or now, now)
        previous = locked.status
        locked.status = status
        if status == RequestStatus.ACKNOWLEDGED:
            locked.acknowledged_at = when
        else:
            locked.resolved_at = when
            locked.acknowledged_at = locked.acknowledged_at or when
        if status == RequestStatus.REFUSED:
            locked.refusal_reason = refusal_reason
        if note:
            locked.answer_note = clean_text(note)
        if platform_ref:
            locked.platform_ref = platform_ref
        if locked.followup_closed_at is None and locked.next_followup_at is not None:
            _reschedule_after_answer(locked, status, now)
        locked.save()
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=locked,
            changes={"status": [previous, status], "refusal_reason": refusal_reason},
            reason=reason,
        )
    return locked


def _reschedule_after_answer(row: RemovalRequest, status: str, now: dt.datetime) -> None:
    """A refusal ends the follow-up (a person decides what next); "removed" is checked at the
    next sweep when there are addresses to check (accounts alone cannot be checked)."""
    if status == RequestStatus.REFUSED:
        row.next_followup_at = None
    elif status == RequestStatus.REMOVED:
        has_urls = row.items.filter(kind=ItemKind.URL).exists()
        row.next_followup_at = now if has_urls else None


ANSWERS = frozenset({RequestStatus.ACKNOWLEDGED, RequestStatus.REMOVED, RequestStatus.REFUSED})


def do_apply_callback(
    *,
    api_key: Any,
    reference: str,
    event_id: str,
    status: str,
    refusal_reason: str = "",
    note: str = "",
    platform_ref: str = "",
    occurred_at: dt.datetime | None = None,
) -> RemovalRequest:
    """A platform's answer through the API. The key's organisation must be the platform of the
    request (otherwise it looks missing); an event id is applied once (a replay is refused and
    changes nothing)."""
    platforms = Platform.objects.filter(organisation_id=api_key.organisation_id, is_active=True)
    request = (
        RemovalRequest.objects.filter(reference=reference, platform__in=platforms)
        .select_related("platform")
        .first()
    )
    if request is None:
        raise TakedownError(
            TakedownErrorCode.NOT_FOUND, _("No such removal request for your platform.")
        )
    if CallbackReceipt.objects.filter(platform=request.platform, event_id=event_id).exists():
        raise TakedownError(TakedownErrorCode.REPLAYED, _("This callback was already received."))
    try:
        with transaction.atomic():
            answered = do_record_answer(
                request=request,
                status=status,
                actor=api_key,
                refusal_reason=refusal_reason,
                note=note,
                platform_ref=platform_ref,
                at=occurred_at,
                reason=f"platform callback {event_id}",
            )
            CallbackReceipt.objects.create(
                platform=request.platform, event_id=event_id, request=request
            )
    except IntegrityError:
        raise TakedownError(
            TakedownErrorCode.REPLAYED, _("This callback was already received.")
        ) from None
    return answered


def expire_overdue(now: dt.datetime | None = None) -> list[str]:
    """Sent or acknowledged requests past their deadline become expired and are escalated to
    the coordinators (ladder step 1, `escalation.escalate`), once each (the conditional UPDATEs
    claim each row once). Follow-up goes on: an expired request is still re-notified."""
    now = now or timezone.now()
    expired: list[str] = []
    candidates = RemovalRequest.objects.filter(
        status__in=PENDING_STATUSES, deadline__lt=now
    ).select_related("platform", "case")
    for row in candidates:
        with transaction.atomic():
            claimed = RemovalRequest.objects.filter(pk=row.pk, status=row.status).update(
                status=RequestStatus.EXPIRED, expired_at=now
            )
            if claimed != 1:
                continue
            record(
                actor=None,
                action=AuditAction.UPDATE,
                target=row,
                changes={"status": [row.status, RequestStatus.EXPIRED]},
                reason="deadline passed without removal",
            )
            if row.escalation_level == EscalationLevel.NONE:
                escalate(row, EscalationLevel.COORDINATOR, now)
        expired.append(row.reference)
    return expired


# --- Verification ---------------------------------------------------------------------------


GONE_STATUSES = frozenset({404, 410, 451})


def check_url(url: str) -> tuple[str, str]:
    """(CheckResult, detail) for one address, fetched through `fetch` (safe destinations only)."""
    try:
        response = fetch.fetch(url)
    except fetch.FetchRefused as exc:
        if exc.code == "dns":
            return CheckResult.GONE, "host not found"
        return CheckResult.REFUSED, exc.detail
    except Exception as exc:  # noqa: BLE001  timeouts, resets, broken answers
        return CheckResult.ERROR, f"{type(exc).__name__}: {exc}"[:300]
    if response.status in GONE_STATUSES:
        return CheckResult.GONE, f"HTTP {response.status}"
    if 200 <= response.status < 300:
        return CheckResult.STILL_ONLINE, f"HTTP {response.status}"
    return CheckResult.ERROR, f"HTTP {response.status}"


def do_check_item(*, item: RemovalItem, actor: Principal | None) -> RemovalItem:
    if item.kind != ItemKind.URL:
        raise TakedownError(TakedownErrorCode.NOT_A_URL, _("Only addresses can be checked."))
    result, detail = check_url(item.value)
    with transaction.atomic():
        item.check_result, item.check_detail = result, detail[:300]
        item.checked_at = timezone.now()
        item.save(update_fields=["check_result", "check_detail", "checked_at"])
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=item.request,
            changes={"checked": item.pk, "result": result},
            reason="verification check",
        )
    return item
