"""Sweeps that take up case work a dead process left undone (run by core.recovery).

Both re-derive the work from the cases themselves: a case still `new` RECOVERY_GRACE_S after
it opened has not been triaged; an assigned case whose lead has not been notified that long
after the assignment has not had its e-mail. Triage and notification are idempotent (a case is
triaged once, a lead notified once), so a sweep racing the normal task changes nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from . import notifications
from .choices import CaseStatus
from .models import Case
from .tasks import notify_assignments
from .triage_batch import triage_cases_now

logger = logging.getLogger(__name__)

CHUNK = 500


def _cutoff(now: dt.datetime | None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(seconds=settings.RECOVERY_GRACE_S)


def overdue_untriaged(now: dt.datetime | None = None, limit: int = 10_000) -> list[int]:
    return list(
        Case.objects.filter(status=CaseStatus.NEW, created_at__lt=_cutoff(now))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def triage_overdue_cases(now: dt.datetime | None = None) -> int:
    """Triage every case still untriaged after the grace period, in chunks of one transaction
    each; returns how many were triaged here. Assignment e-mails follow as usual."""

    done = 0
    ids = overdue_untriaged(now)
    for start in range(0, len(ids), CHUNK):
        run = triage_cases_now(ids[start : start + CHUNK])
        done += len(ids[start : start + CHUNK]) - len(run.busy)
        if run.assigned:
            notify_assignments.enqueue([case.pk for case in run.assigned])
    return done


def overdue_notifications(now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    return list(
        Case.objects.open()
        .filter(lead_org__isnull=False, assigned_at__lt=_cutoff(now))
        .exclude(notified_lead=F("lead_org"))
        .order_by("assigned_at")
        .values_list("pk", flat=True)[:limit]
    )


def notify_overdue_assignments(now: dt.datetime | None = None) -> int:
    """Send the assignment e-mails that were due and never sent; a failure leaves the case
    unmarked, so the next sweep tries it again."""
    sent, errors = 0, 0
    cases = Case.objects.select_related("lead_org", "category").filter(
        pk__in=overdue_notifications(now)
    )
    for case in cases:
        try:
            sent += bool(notifications.notify_assignment(case))
        except Exception:
            logger.exception("assignment e-mail for case %s not sent", case.reference)
            errors += 1
    if errors:
        raise notifications.NotificationError(f"{errors} assignment e-mails not sent")
    return sent
