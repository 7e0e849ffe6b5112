"""A platform's answer to a request (acknowledged, removed, refused), recorded by an officer or
received through the platform's callback (each event id once)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change
from copnet.core.text import clean_text
from copnet.core.workflow import check

from ..choices import ItemKind, RefusalReason, RequestStatus
from ..errors import TakedownError, TakedownErrorCode
from ..models import CallbackReceipt, Platform, RemovalRequest
from ..workflow import REQUEST

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal

MAX_NOTE = 2000
ANSWERS = frozenset({RequestStatus.ACKNOWLEDGED, RequestStatus.REMOVED, RequestStatus.REFUSED})


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
