"""The purge's steps for the retention table (registered in DataProtectionConfig.ready() into
`cases.privacy`: a step of `purge_all`, a case's eraser, the legal holds and the case's days)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from copnet.audit.choices import AuditAction
from copnet.audit.services import record
from copnet.cases.choices import OPEN_STATUSES
from copnet.reports.models import Report

from .legal import held_case_ids
from .models import SubjectRequest
from .register import retention_days


def erase_reporter_identity(*, now: dt.datetime) -> int:
    """The reporter's name and contact, `reporter_identity` days after the case closed (a
    shorter period than the case's content when the table says so), unless a legal hold keeps
    the case. Returns the reports changed."""
    cutoff = now - dt.timedelta(days=retention_days("reporter_identity"))
    candidates = (
        Report.objects.exclude(case__status__in=OPEN_STATUSES)
        .filter(case__closed_at__lt=cutoff, purged_at__isnull=True)
        .only("pk", "case_id", "reporter_name", "reporter_contact")
    )
    # Encrypted columns cannot be compared in SQL: which still hold a name is read here.
    rows = [(r.pk, r.case_id) for r in candidates if r.reporter_name or r.reporter_contact]
    held = held_case_ids({case_id for _pk, case_id in rows})
    ids = [pk for pk, case_id in rows if case_id not in held]
    if not ids:
        return 0
    with transaction.atomic():
        changed = Report.objects.filter(pk__in=ids).update(reporter_name="", reporter_contact="")
        record(
            actor=None,
            action=AuditAction.DELETE,
            target_type="reports.report",
            changes={"reporter_identity": changed},
            reason="retention: reporter identity",
        )
    return changed


def erase_for_case(case: Any) -> dict[str, list[Any]]:
    """Data-subject requests about the case's reports: their details and answers."""
    subject_requests = SubjectRequest.objects.filter(report__case=case)
    subject_requests.update(details="", answer="")
    return {"dataprotection.subjectrequest": list(subject_requests.values_list("pk", flat=True))}


def case_content_days() -> int:
    """Days a closed case's content is kept (the retention table's `report_content`)."""
    return retention_days("report_content")
