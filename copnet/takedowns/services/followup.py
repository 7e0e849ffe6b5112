"""Removal that persists: while a sent request is unanswered or its content still online, the
platform is sent the notice again every `Platform.renotice_hours` and every address is checked
again (`verification.check_url`, the SSRF-safe fetch), until the content is gone or a person closes
the follow-up. The escalation ladder climbs on the way (`escalation`).

The sweep (`tasks.follow_up_removal_requests`, in `core.schedule`) is idempotent: a request is
claimed with a conditional UPDATE that moves `next_followup_at` to a lease, each re-notice and
re-check is a `FollowUp` row unique per number, so a sweep run twice in one window sends one
re-notice; a sweep that dies after the claim is retried when the lease ends."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from copnet.accounts.models import User
from copnet.audit.choices import AuditAction
from copnet.audit.services import record, record_change
from copnet.core.tasks import enqueue_on_commit
from copnet.core.text import clean_text

from ..choices import (
    FOLLOWUP_STATUSES,
    CheckResult,
    Delivery,
    FollowUpKind,
    ItemKind,
    RequestStatus,
    SendChannel,
)
from ..errors import TakedownError, TakedownErrorCode
from ..models import FollowUp, RemovalItem, RemovalRequest
from .answers import MAX_NOTE, do_record_answer
from .escalation import escalate_if_due, queue_about
from .verification import check_url

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal


def due_followups(now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """Requests whose re-notice and re-check are due (or whose last sweep died)."""
    now = now or timezone.now()
    return list(
        RemovalRequest.objects.filter(
            next_followup_at__lte=now,
            followup_closed_at__isnull=True,
            status__in=FOLLOWUP_STATUSES,
        )
        .order_by("next_followup_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def follow_up(request_id: int, now: dt.datetime | None = None) -> str:
    """One follow-up of one request, if due: "removed" (every address gone), "ended" (the
    platform said removed and no address is online), "renoticed", or "not_due"."""
    now = now or timezone.now()
    row = RemovalRequest.objects.select_related("platform", "case").get(pk=request_id)
    due = row.next_followup_at
    if due is None or due > now or row.followup_closed_at or row.status not in FOLLOWUP_STATUSES:
        return "not_due"
    lease = now + dt.timedelta(seconds=settings.TAKEDOWN_FOLLOWUP_LEASE_SECONDS)
    claimed = RemovalRequest.objects.filter(
        pk=row.pk, next_followup_at=due, followup_closed_at__isnull=True
    ).update(next_followup_at=lease)
    if claimed != 1:
        return "not_due"
    urls = list(row.items.filter(kind=ItemKind.URL))
    checks = {item.pk: check_url(item.value) for item in urls}  # network: outside transactions
    with transaction.atomic():
        locked = (
            RemovalRequest.objects.select_for_update()
            .select_related("platform", "case")
            .get(pk=row.pk)
        )
        if locked.followup_closed_at is not None or locked.next_followup_at != lease:
            return "not_due"  # closed or answered while the addresses were checked
        results = _save_checks(locked, urls, checks, now)
        online = results[CheckResult.STILL_ONLINE]
        if urls and results[CheckResult.GONE] == len(urls):
            if locked.status != RequestStatus.REMOVED:
                do_record_answer(
                    request=locked,
                    status=RequestStatus.REMOVED,
                    actor=None,
                    reason="every address is gone at the follow-up check: recorded as removed",
                )
                # Found gone, not answered: the platform's first response stays unknown.
                RemovalRequest.objects.filter(pk=locked.pk).update(
                    acknowledged_at=locked.acknowledged_at
                )
            _stop(locked, "content gone at the follow-up check")
            return "removed"
        if locked.status == RequestStatus.REMOVED and not online:
            _stop(locked, "the platform answered removed; no address is online")
            return "ended"
        _renotice(locked, now, online=online)
        escalate_if_due(locked, now)
    return "renoticed"


def _save_checks(
    row: RemovalRequest,
    urls: list[RemovalItem],
    checks: dict[int, tuple[str, str]],
    now: dt.datetime,
) -> Counter[str]:
    results: Counter[str] = Counter()
    for item in urls:
        result, detail = checks[item.pk]
        results[result] += 1
        item.check_result, item.check_detail, item.checked_at = result, detail[:300], now
        item.save(update_fields=["check_result", "check_detail", "checked_at"])
    if not urls:
        return results
    number = FollowUp.objects.filter(request=row, kind=FollowUpKind.RECHECK).count() + 1
    summary = " ".join(f"{key}:{value}" for key, value in sorted(results.items()))
    FollowUp.objects.create(
        request=row, kind=FollowUpKind.RECHECK, number=number, at=now, result=summary[:40]
    )
    record(
        actor=None,
        action=AuditAction.UPDATE,
        target=row,
        changes={"recheck": number, **dict(sorted(results.items()))},
        reason="follow-up check of the addresses",
    )
    return results


def _stop(row: RemovalRequest, reason: str) -> None:
    RemovalRequest.objects.filter(pk=row.pk).update(next_followup_at=None)
    record(
        actor=None,
        action=AuditAction.UPDATE,
        target=row,
        changes={"next_followup_at": None, "renotices": row.renotice_count},
        reason=reason,
    )


def _renotice(row: RemovalRequest, now: dt.datetime, *, online: int) -> None:
    number = row.renotice_count + 1
    _step, created = FollowUp.objects.get_or_create(
        request=row,
        kind=FollowUpKind.RENOTICE,
        number=number,
        defaults={"at": now, "result": row.platform.channel},
    )
    following = now + dt.timedelta(hours=row.platform.renotice_hours)
    if not created:  # written by an earlier run that died before moving the schedule on
        RemovalRequest.objects.filter(pk=row.pk).update(
            renotice_count=number, next_followup_at=following
        )
        return
    row.renotice_count, row.next_followup_at, row.last_error = number, following, ""
    if row.platform.channel == SendChannel.WEB_FORM:
        row.delivery = Delivery.MANUAL
    else:
        row.delivery, row.attempts, row.next_attempt_at = Delivery.PENDING, 0, None
    row.save(
        update_fields=[
            "renotice_count",
            "next_followup_at",
            "delivery",
            "attempts",
            "next_attempt_at",
            "last_error",
        ]
    )
    record(
        actor=None,
        action=AuditAction.UPDATE,
        target=row,
        changes={"renotice": number, "online": online, "channel": row.platform.channel},
        reason="notice sent to the platform again",
    )
    if row.delivery == Delivery.PENDING:
        enqueue_on_commit("copnet.takedowns.tasks.deliver_removal_request", row.pk)
    else:
        creator = row.created_by.email if row.created_by_id and row.created_by else ""
        queue_about(
            f"renotice-{number}",
            [creator],
            gettext_noop("[COPNet] Send removal request %(reference)s again"),
            gettext_noop(
                "%(platform)s has not removed the content of request %(reference)s (case "
                "%(case)s). Send the notice again through the platform's web form (re-notice "
                "%(renotices)s) and record it on the request's page."
            ),
            row,
        )


def do_close_followup(*, request: RemovalRequest, actor: Principal | None, reason: str) -> None:
    """A person ends the follow-up (no more re-notices, checks or escalations), with a reason."""
    text = clean_text(reason).strip() if isinstance(reason, str) else ""
    if not text:
        raise TakedownError(
            TakedownErrorCode.CLOSE_REASON_REQUIRED, _("Say why the follow-up is closed.")
        )
    if len(text) > MAX_NOTE:
        raise TakedownError(TakedownErrorCode.TOO_LONG, _("The note is too long."))
    with transaction.atomic():
        locked = RemovalRequest.objects.select_for_update().get(pk=request.pk)
        if locked.followup_closed_at is not None or locked.sent_at is None:
            raise TakedownError(
                TakedownErrorCode.NOT_FOLLOWED_UP,
                _("This request has no follow-up to close."),
            )
        now = timezone.now()
        previous = locked.next_followup_at
        locked.followup_closed_at, locked.next_followup_at = now, None
        locked.followup_closed_by = actor if isinstance(actor, User) else None
        locked.save(update_fields=["followup_closed_at", "next_followup_at", "followup_closed_by"])
        FollowUp.objects.create(request=locked, kind=FollowUpKind.CLOSED, number=1, at=now)
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=locked,
            changes={"next_followup_at": [previous, None], "renotices": locked.renotice_count},
            reason="follow-up closed by a person",
            note=text,
        )
