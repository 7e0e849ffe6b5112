"""Purging personal data of cases closed long enough ago; anonymous facts stay for statistics."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change

from .choices import OPEN_STATUSES, EventKind
from .models import Case, CaseEvent


def purge_personal_data(*, older_than_days: int | None = None) -> int:
    """Erase reporter details, descriptions, account names, texts, notes and evidence files of
    cases closed more than `older_than_days` ago. Keeps category, dates, province, age band,
    counts and hashes. Idempotent. Returns the number of cases purged."""
    from copnet.banks.models import DetectionHit
    from copnet.reports.evidence import evidence_store
    from copnet.reports.models import Evidence, Report

    days = older_than_days if older_than_days is not None else settings.PURGE_AFTER_DAYS
    cutoff = timezone.now() - dt.timedelta(days=days)
    vault = evidence_store()
    purged = 0
    candidates = (
        Case.objects.exclude(status__in=OPEN_STATUSES)
        .filter(closed_at__lt=cutoff, purged_at__isnull=True)
        .values_list("pk", flat=True)
    )
    for case_id in list(candidates):
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=case_id)
            if case.purged_at is not None:
                continue
            now = timezone.now()
            files = []
            for evidence in Evidence.objects.filter(report__case=case):
                files += [p for p in (evidence.blob_path, evidence.preview_path) if p]
            Evidence.objects.filter(report__case=case).update(
                text="", blob_path="", preview_path="", purged_at=now
            )
            Report.objects.filter(case=case).update(
                description="",
                account_handles="",
                reporter_name="",
                reporter_contact="",
                purged_at=now,
            )
            CaseEvent.objects.filter(case=case).update(text="")
            DetectionHit.objects.filter(case=case).update(spans=[])
            case.outcome_note = ""
            case.status_message = ""
            case.purged_at = now
            case.save(update_fields=["outcome_note", "status_message", "purged_at"])
            CaseEvent.objects.create(case=case, kind=EventKind.PURGED, actor_label="system")
            record_change(
                actor=None,
                action=AuditAction.DELETE,
                target=case,
                changes={"personal_data": "purged", "files": len(files)},
                reason=f"retention: closed more than {days} days ago",
            )
            # robust: a failed delete (object store unreachable) must not stop the purge; the
            # orphan sweep removes those files later.
            transaction.on_commit(lambda files=files: vault.delete_many(files), robust=True)
        purged += 1
    return purged
