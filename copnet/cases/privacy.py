"""The retention purge: personal data is erased when it is no longer needed (docs/personal-data.md).

`purge_all` runs every step; the scheduler enqueues it every 6 hours (core.schedule) and
`manage.py purge_personal_data` runs it by hand. Each step is idempotent and commits on its
own, so an interrupted run loses nothing and the next run finishes the work.

A case's step erases, for cases closed more than PURGE_AFTER_DAYS ago: reporters' names and
contacts, descriptions, account names, texts, reported addresses (the keyed hash that joined
reports stays), notes, action notes, messages to reporters, the outcome note, removal requests'
items, notices and answers, referrals for support (the child's name, contact, views and
notes), hotline call notes and webhook payloads, appeals, the case's volunteer tasks,
detection spans, evidence files, and the notes people typed into the case's audit rows.
Category, dates, province, age band, gender, platform, counts, statuses and hashes stay for
statistics.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from copnet.audit.choices import AuditAction
from copnet.audit.models import AuditEvent
from copnet.audit.services import erase_personal_values, record, record_change

from .choices import OPEN_STATUSES, EventKind
from .models import Case, CaseAction, CaseEvent, ReportMessage


def purge_all(*, now: dt.datetime | None = None, case_days: int | None = None) -> dict[str, int]:
    """Every retention rule, as of `now`. Returns what each step erased (counts)."""
    # Local on purpose: the purge reaches up into the apps built on cases (an ignored import
    # of the app-layers contract); at module level it would make cases load them.
    from copnet.accounts.retention import clear_expired_sessions, purge_login_records
    from copnet.audit.retention import erase_old_origins
    from copnet.core.mail import purge_old_emails
    from copnet.dataprotection.register import retention_days
    from copnet.dataprotection.retention import erase_reporter_identity
    from copnet.reports.pending import purge_pending_uploads
    from copnet.reports.retention import purge_idempotency_records
    from copnet.volunteers.retention import pseudonymise_departed_volunteers, purge_applications

    now = now or timezone.now()
    summary = {
        "cases": purge_personal_data(
            older_than_days=case_days
            if case_days is not None
            else retention_days("report_content"),
            now=now,
        ),
        "reporter_identity": erase_reporter_identity(now=now),
        "applications": purge_applications(now=now),
        "volunteers": pseudonymise_departed_volunteers(now=now),
        "idempotency_records": purge_idempotency_records(now=now),
        "pending_uploads": purge_pending_uploads(now=now),
        "sessions": clear_expired_sessions(now=now),
        "audit_origins": erase_old_origins(now=now),
        "login_records": purge_login_records(now=now),
        "emails": purge_old_emails(now=now),
    }
    others = {k: v for k, v in summary.items() if k != "cases" and v}
    if others:  # cases write one row each; the rest one row per run
        with transaction.atomic():
            record(
                actor=None,
                action=AuditAction.DELETE,
                target_type="privacy.retention",
                changes=others,
                reason="retention purge",
            )
    return summary


def purge_personal_data(
    *, older_than_days: int | None = None, now: dt.datetime | None = None
) -> int:
    """Erase the personal data of cases closed more than `older_than_days` (default
    PURGE_AFTER_DAYS) before `now`, except cases a recorded legal hold or police investigation
    keeps (`dataprotection.legal`). Idempotent. Returns the number of cases purged."""
    from copnet.dataprotection.legal import held_case_ids

    days = older_than_days if older_than_days is not None else settings.PURGE_AFTER_DAYS
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    purged = 0
    candidates = (
        Case.objects.exclude(status__in=OPEN_STATUSES)
        .filter(closed_at__lt=cutoff, purged_at__isnull=True)
        .values_list("pk", flat=True)
    )
    ids = list(candidates)
    held = held_case_ids(ids)
    for case_id in ids:
        if case_id not in held and _purge_case(case_id, days):
            purged += 1
    return purged


def _purge_case(case_id: int, days: int) -> bool:
    from copnet.reports.evidence import evidence_store
    from copnet.reports.models import Evidence, Report, ReportUrl

    vault = evidence_store()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        if case.purged_at is not None:
            return False
        now = timezone.now()
        reports = Report.objects.filter(case=case)
        evidence = Evidence.objects.filter(report__case=case)
        files = [p for row in evidence for p in (row.blob_path, row.preview_path) if p]
        evidence.update(text="", blob_path="", preview_path="", purged_at=now)
        ReportUrl.objects.filter(report__case=case).update(url="", normalised="")
        reports.update(
            description="",
            account_handles="",
            reporter_name="",
            reporter_contact="",
            external_id="",
            purged_at=now,
        )
        CaseEvent.objects.filter(case=case).update(text="")
        CaseAction.objects.filter(case=case).update(note="")
        messages = ReportMessage.objects.filter(report__case=case)
        messages.update(text="")
        targets = _erase_linked_records(case)
        case.outcome_note = ""
        case.purged_at = now
        case.save(update_fields=["outcome_note", "purged_at"])
        targets["cases.case"] = [case.pk]
        targets["reports.report"] = list(reports.values_list("pk", flat=True))
        targets["reports.evidence"] = list(evidence.values_list("pk", flat=True))
        targets["cases.caseevent"] = list(case.events.values_list("pk", flat=True))
        targets["cases.caseaction"] = list(case.actions.values_list("pk", flat=True))
        targets["cases.reportmessage"] = list(messages.values_list("pk", flat=True))
        erased = erase_personal_values(_audit_rows(targets))
        CaseEvent.objects.create(case=case, kind=EventKind.PURGED, actor_label="system")
        record_change(
            actor=None,
            action=AuditAction.DELETE,
            target=case,
            changes={"personal_data": "purged", "files": len(files), "audit_notes": erased},
            reason=f"retention: closed more than {days} days ago",
        )
        # robust: a failed delete (object store unreachable) must not stop the purge; the
        # orphan sweep removes those files later.
        transaction.on_commit(partial(vault.delete_many, files), robust=True)
    return True


def _erase_linked_records(case: Case) -> dict[str, list[Any]]:
    """Personal data the case's work left in other apps; returns the audit targets touched."""
    # Local on purpose: upward reads, see purge_all.
    from copnet.banks.choices import HitKind
    from copnet.banks.models import DetectionHit
    from copnet.dataprotection.models import SubjectRequest
    from copnet.exchanges.models import ForeignReport, Referral
    from copnet.feed.models import Appeal, FeedEntry
    from copnet.support.retention import erase_for_case
    from copnet.takedowns.models import RemovalItem, RemovalRequest
    from copnet.violators.retention import erase_for_case as erase_accounts_for_case
    from copnet.volunteers.models import Assignment, Task

    DetectionHit.objects.filter(case=case).update(spans=[])
    # A CyberTipline referral's uploader account, addresses, devices and file names.
    Referral.objects.filter(case=case).update(people={})
    ForeignReport.objects.filter(case=case).update(url="", payload={})
    for hit in DetectionHit.objects.filter(case=case, kind=HitKind.URL).select_related(
        "url_entry__url_list"
    ):
        # The label quoted the list's pattern, which may be the reported address itself.
        name = hit.url_entry.url_list.name if hit.url_entry else ""
        DetectionHit.objects.filter(pk=hit.pk).update(label=name)
    requests = RemovalRequest.objects.filter(case=case)
    requests.update(notice="", answer_note="", last_error="")
    RemovalItem.objects.filter(request__case=case).update(value="", check_detail="")
    appeals = Appeal.objects.filter(case=case)
    FeedEntry.objects.filter(appeals__in=appeals).update(withdrawn_reason="")
    appeals.update(address="", contact="", explanation="")
    subject_requests = SubjectRequest.objects.filter(report__case=case)
    subject_requests.update(details="", answer="")
    tasks = Task.objects.filter(case=case)
    tasks.update(title="", question="", urls=[])
    assignments = Assignment.objects.filter(task__case=case)
    assignments.update(outcome="", url_results={})
    support = erase_for_case(case)  # referrals for support, hotline call notes and webhooks
    accounts = erase_accounts_for_case(case)  # accounts no other case names
    return {
        **support,
        **accounts,
        "takedowns.removalrequest": list(requests.values_list("pk", flat=True)),
        "feed.appeal": list(appeals.values_list("pk", flat=True)),
        "volunteers.task": list(tasks.values_list("pk", flat=True)),
        "dataprotection.subjectrequest": list(subject_requests.values_list("pk", flat=True)),
        "volunteers.assignment": list(assignments.values_list("pk", flat=True)),
    }


def _audit_rows(targets: dict[str, list[Any]]) -> QuerySet[AuditEvent]:

    condition = Q(pk__in=[])
    for target_type, ids in targets.items():
        if ids:
            condition |= Q(target_type=target_type, target_id__in=[str(i) for i in ids])
    return AuditEvent.objects.filter(condition)
