"""Feedback out: an analyst's verdict on a match goes back to the exchange the entry came
from, in that exchange's own form (NCMEC vote, StopNCII CSP feedback, ThreatExchange reaction).

`do_record_verdict` makes one `FeedbackMessage` per hit and verdict (asking again changes
nothing) and enqueues its sending after commit. `send_feedback_now` claims the message with a
conditional UPDATE (two workers never send it twice), sends it, and on failure schedules the
next try with a doubling backoff; the periodic `send_due_feedback` picks up what is due,
including messages whose enqueue was lost. Every message sent is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from copnet.accounts.permissions import Perm, access, has_perm
from copnet.audit.choices import AuditAction
from copnet.audit.services import record, record_change
from copnet.banks.models import DetectionHit
from copnet.core.tasks import enqueue_on_commit

from .choices import FeedbackStatus, Verdict
from .errors import ExchangeError, ExchangeErrorCode
from .models import Exchange, FeedbackMessage, Indicator
from .protocols import adapter_for
from .retries import next_attempt

SEND_LEASE = dt.timedelta(minutes=10)


def do_record_verdict(*, hit_id: int, verdict: str, actor: Any) -> FeedbackMessage | None:
    """The analyst's verdict on a hit whose entry came from an exchange. Returns the message
    to the source (None when the exchange takes no feedback). 404 for a hit the analyst may
    not see; refused for hits that did not come from an exchange."""
    if verdict not in Verdict.values:
        raise ExchangeError(ExchangeErrorCode.UNKNOWN_VERDICT, field="verdict")
    if not has_perm(actor, Perm.MANAGE_BANKS):
        raise ExchangeError(ExchangeErrorCode.FORBIDDEN, _("You may not judge matches."))
    hit = access(actor, DetectionHit.objects.select_related("bank_entry"), pk=hit_id)
    entry = hit.bank_entry
    exchange = (
        Exchange.objects.filter(bank_id=entry.bank_id).first()
        if entry is not None and entry.external_id
        else None
    )
    if entry is None or exchange is None:
        raise ExchangeError(ExchangeErrorCode.NOT_FROM_EXCHANGE, field="hit")
    with transaction.atomic():
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=hit,
            changes={"verdict": verdict, "exchange": exchange.name},
        )
        if not exchange.sends_feedback:
            return None
        message, created = FeedbackMessage.objects.get_or_create(
            hit=hit,
            verdict=verdict,
            defaults={
                "exchange": exchange,
                "external_id": entry.external_id,
                "signal_type": entry.signal_type,
                "value": entry.value,
                "descriptors": list(
                    Indicator.objects.filter(exchange=exchange, external_id=entry.external_id)
                    .values_list("descriptors", flat=True)
                    .first()
                    or []
                ),
            },
        )
        if created:
            enqueue_on_commit("copnet.exchanges.tasks.send_feedback", message.pk)
    return message


def _claim(message_id: int, now: dt.datetime) -> bool:
    return bool(
        FeedbackMessage.objects.filter(
            pk=message_id, status__in=[FeedbackStatus.QUEUED, FeedbackStatus.FAILED]
        )
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(attempts=F("attempts") + 1, next_attempt_at=now + SEND_LEASE)
    )


def send_feedback_now(message_id: int) -> str:
    """Send one message if it is due; returns its status afterwards ("" when not claimed)."""
    now = timezone.now()
    if not _claim(message_id, now):
        return ""
    message = FeedbackMessage.objects.select_related("exchange").get(pk=message_id)
    try:
        sent = adapter_for(message.exchange).send_feedback(
            external_id=message.external_id,
            signal_type=message.signal_type,
            value=message.value,
            verdict=message.verdict,
            descriptors=tuple(str(d) for d in message.descriptors or ()),
        )
    except ExchangeError as error:
        retry_at = next_attempt(message.attempts)
        gave_up = retry_at is None
        FeedbackMessage.objects.filter(pk=message.pk).update(
            status=FeedbackStatus.GAVE_UP if gave_up else FeedbackStatus.FAILED,
            last_error=str(error.message)[:500],
            next_attempt_at=retry_at,
        )
        return FeedbackStatus.GAVE_UP if gave_up else FeedbackStatus.FAILED
    FeedbackMessage.objects.filter(pk=message.pk).update(
        status=FeedbackStatus.SENT, sent_at=timezone.now(), last_error="", next_attempt_at=None
    )
    record(
        actor=None,
        action=AuditAction.EXPORT,
        target=message.exchange,
        reason="exchange feedback sent",
        changes={"message": message.pk, "verdict": message.verdict, **sent},
    )
    return FeedbackStatus.SENT


def send_due_feedback() -> int:
    """Every message due (new, or failed and past its backoff); returns how many were sent."""
    now = timezone.now()
    due = FeedbackMessage.objects.filter(
        status__in=[FeedbackStatus.QUEUED, FeedbackStatus.FAILED]
    ).filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    return sum(
        send_feedback_now(pk) == FeedbackStatus.SENT
        for pk in due.values_list("pk", flat=True)[:500]
    )
