"""Requests past their deadline: expired, and escalated to the coordinators once."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from copnet.audit.choices import AuditAction
from copnet.audit.services import record

from ..choices import PENDING_STATUSES, EscalationLevel, RequestStatus
from ..models import RemovalRequest
from .escalation import escalate


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
