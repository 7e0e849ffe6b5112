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
from collections.abc import Callable
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

# What the apps built on cases add to the purge, handed in at start-up by their
# AppConfig.ready() (cases sits below them: docs/architecture.md "Layers").
# name → step(now=) returning the rows it changed, run by purge_all after the cases' step
RETENTION_STEPS: dict[str, Callable[..., int]] = {}
# each erases what a case's work left in its app, inside the case's transaction, and returns
# the audit targets it touched ({"app.model": [pk, ...]})
CASE_ERASERS: list[Callable[[Case], dict[str, list[Any]]]] = []
# case ids (of those given) a recorded legal ground keeps (dataprotection.legal)
LEGAL_HOLDS: list[Callable[[list[int]], set[int]]] = []
# days a closed case's content is kept (dataprotection's retention table)
CASE_DAYS: list[Callable[[], int]] = []


def register_retention(
    *,
    steps: dict[str, Callable[..., int]] | None = None,
    case_eraser: Callable[[Case], dict[str, list[Any]]] | None = None,
    legal_holds: Callable[[list[int]], set[int]] | None = None,
    case_days: Callable[[], int] | None = None,
) -> None:
    """Called from an AppConfig.ready(); registering the same function again changes nothing
    (ready() may run more than once in tests)."""
    RETENTION_STEPS.update(steps or {})
    if case_eraser is not None and case_eraser not in CASE_ERASERS:
        CASE_ERASERS.append(case_eraser)
    if legal_holds is not None and legal_holds not in LEGAL_HOLDS:
        LEGAL_HOLDS.append(legal_holds)
    if case_days is not None and case_days not in CASE_DAYS:
        CASE_DAYS.append(case_days)


def purge_all(*, now: dt.datetime | None = None, case_days: int | None = None) -> dict[str, int]:
    """Every retention rule, as of `now`. Returns what each step erased (counts)."""
    # Local: these modules of lower apps and of core are only needed when the purge runs.
    from copnet.accounts.retention import clear_expired_sessions, purge_login_records
    from copnet.audit.retention import erase_old_origins
    from copnet.core.mail import purge_old_emails
    from copnet.reports.pending import purge_pending_uploads
    from copnet.reports.retention import purge_idempotency_records

    now = now or timezone.now()
    if case_days is None and CASE_DAYS:
        case_days = CASE_DAYS[0]()
    summary = {"cases": purge_personal_data(older_than_days=case_days, now=now)}
    for name, step in RETENTION_STEPS.items():
        summary[name] = step(now=now)
    summary.update(
        {
            "idempotency_records": purge_idempotency_records(now=now),
            "pending_uploads": purge_pending_uploads(now=now),
            "sessions": clear_expired_sessions(now=now),
            "audit_origins": erase_old_origins(now=now),
            "login_records": purge_login_records(now=now),
            "emails": purge_old_emails(now=now),
        }
    )
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
    keeps (`LEGAL_HOLDS`: dataprotection.legal). Idempotent. Returns the number of cases purged.
    Refuses to run when no legal-hold check is registered: it would erase held cases."""
    if not LEGAL_HOLDS:
        raise RuntimeError("No legal-hold check is registered (cases.privacy.LEGAL_HOLDS).")
    days = older_than_days if older_than_days is not None else settings.PURGE_AFTER_DAYS
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    purged = 0
    candidates = (
        Case.objects.exclude(status__in=OPEN_STATUSES)
        .filter(closed_at__lt=cutoff, purged_at__isnull=True)
        .values_list("pk", flat=True)
    )
    ids = list(candidates)
    held = {case_id for holds in LEGAL_HOLDS for case_id in holds(ids)}
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
    """Personal data the case's work left in other apps (`CASE_ERASERS`: detection hits,
    exchanges, removal requests, appeals, data-subject requests, volunteer tasks, referrals for
    support and hotline records, platform accounts no other case names); returns the audit
    targets touched."""
    targets: dict[str, list[Any]] = {}
    for erase in CASE_ERASERS:
        targets.update(erase(case))
    return targets


def _audit_rows(targets: dict[str, list[Any]]) -> QuerySet[AuditEvent]:

    condition = Q(pk__in=[])
    for target_type, ids in targets.items():
        if ids:
            condition |= Q(target_type=target_type, target_id__in=[str(i) for i in ids])
    return AuditEvent.objects.filter(condition)
