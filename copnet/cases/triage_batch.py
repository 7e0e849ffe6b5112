"""Triage many cases at once: prioritise, route and assign them in a few queries.

The worker gets case ids in batches (one bulk API call can open a thousand cases); doing the
work per batch rather than per case is what lets triage keep up with intake. Idempotent: a case
is only ever raised in priority, never lowered, and routed only while it has no lead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from copnet.audit.choices import AuditAction
from copnet.audit.services import record_changes
from copnet.core.bulk import update_fields
from copnet.routing.services import Route, Router
from copnet.taxonomy.models import HarmCategory

from .choices import CaseStatus, EventKind
from .deadlines import deadlines_for
from .events import new_event, refresh_next_due
from .models import Case, CaseEvent
from .triage import DETECTORS, DetectionSignal, TriageFacts, compute_priority

TRIAGE_FIELDS = [
    "priority",
    "ack_due",
    "action_due",
    "next_due",
    "keep_blurred",
    "suggested_category",
    "status",
    "triaged_at",
    "lead_org",
    "assigned_at",
]


def detect(cases: Sequence[Case]) -> dict[int, list[DetectionSignal]]:
    """Every registered detector's signals, per case id."""
    found: dict[int, list[DetectionSignal]] = {case.pk: [] for case in cases}
    if not cases:
        return found
    for detector in DETECTORS:
        for case_id, signals in detector(cases).items():
            found[case_id].extend(signals)
    return found


class _Batch:
    """What one triage run writes, collected so that each table gets one statement."""

    def __init__(self) -> None:
        self.router = Router()
        self.categories: dict[str, HarmCategory] | None = None
        self.events: list[CaseEvent] = []
        self.routed: list[tuple[Case, Route]] = []

    def category(self, code: str) -> HarmCategory | None:
        if self.categories is None:
            self.categories = {c.code: c for c in HarmCategory.objects.all()}
        return self.categories.get(code)


def _triage_one(case: Case, signals: list[DetectionSignal], batch: _Batch) -> None:
    # Imported here: services imports this module for triage_case.
    priority = compute_priority(
        TriageFacts(
            severity=case.category.severity,
            in_danger=case.in_danger,
            child_age_band=case.child_age_band,
            report_count=case.report_count,
            signals=tuple(signals),
        )
    )
    changed: dict[str, Any] = {}
    if priority < case.priority or case.triaged_at is None:
        new_priority = min(priority, case.priority)
        if new_priority != case.priority:
            changed["priority"] = [case.priority, new_priority]
        case.priority = new_priority
        due = deadlines_for(case.category, case.created_at, case.priority)
        case.ack_due = min(case.ack_due, due.ack_due)
        case.action_due = min(case.action_due, due.action_due)
    for signal in signals:
        if signal.keep_blurred and not case.keep_blurred:
            case.keep_blurred = True
            changed["keep_blurred"] = True
        if signal.suggested_category and case.suggested_category_id is None:
            suggested = batch.category(signal.suggested_category)
            if suggested and suggested.pk != case.category_id:
                case.suggested_category = suggested
                changed["suggested_category"] = suggested.code
    now = timezone.now()
    if case.status == CaseStatus.NEW:
        case.status, case.triaged_at = CaseStatus.TRIAGED, now
        batch.events.append(
            new_event(
                case,
                kind=EventKind.TRIAGED,
                from_status=CaseStatus.NEW,
                to_status=CaseStatus.TRIAGED,
                data={
                    "priority": case.priority,
                    "signals": [s.explanation or s.source for s in signals],
                },
            )
        )
    elif changed:
        batch.events.append(new_event(case, kind=EventKind.TRIAGED, data={"changed": changed}))
    if case.lead_org_id is None:
        found = batch.router.route(
            category=case.category, platform=case.platform, province=case.province
        )
        if found is not None:
            case.lead_org = found.lead
            case.assigned_at = now
            if case.status == CaseStatus.TRIAGED:
                case.status = CaseStatus.ASSIGNED
            batch.events.append(
                new_event(
                    case,
                    kind=EventKind.ASSIGNED,
                    from_status=CaseStatus.TRIAGED,
                    to_status=case.status,
                    data={
                        "lead": found.lead.code,
                        "supporting": [o.code for o in found.supporting],
                        "rule": found.rule.pk if found.rule else None,
                    },
                )
            )
            batch.routed.append((case, found))
    refresh_next_due(case)


@dataclass
class TriageRun:
    assigned: list[Case] = field(default_factory=list)  # newly given a lead organisation
    busy: list[int] = field(default_factory=list)  # locked by another transaction: try again


def triage_cases_now(case_ids: Sequence[int]) -> TriageRun:
    """Triage these cases in one transaction.

    A case that another transaction holds (a report joining it, an officer changing it) is
    skipped, not waited for, and returned in `busy` for a later run: waiting while holding the
    rest of the batch could deadlock with an intake batch that joins several cases."""
    ids = sorted(set(case_ids))
    run = TriageRun()
    if not ids:
        return run
    with transaction.atomic():
        locked = list(
            Case.objects.select_for_update(skip_locked=True, no_key=True, of=("self",))
            .select_related("category")
            .filter(pk__in=ids)
            .order_by("pk")
        )
        got = {case.pk for case in locked}
        if len(got) < len(ids):
            run.busy = list(Case.objects.filter(pk__in=set(ids) - got).values_list("pk", flat=True))
        cases = [case for case in locked if case.is_open]
        signals = detect(cases)
        batch = _Batch()
        for case in cases:
            _triage_one(case, signals[case.pk], batch)
        update_fields(cases, TRIAGE_FIELDS)
        CaseEvent.objects.bulk_create(batch.events, batch_size=500)
        through = Case.supporting_orgs.through
        routed_ids = [case.pk for case, _route in batch.routed]
        through.objects.filter(case_id__in=routed_ids).delete()
        through.objects.bulk_create(
            [
                through(case_id=case.pk, organisation_id=org.pk)
                for case, found in batch.routed
                for org in found.supporting
            ],
            batch_size=1000,
        )
        record_changes(
            actor=None,
            action=AuditAction.UPDATE,
            changes_by_target=[
                (case, {"lead_org": found.lead.code, "priority": case.priority})
                for case, found in batch.routed
            ],
            reason="automatic triage and routing",
        )
    run.assigned = [case for case, _route in batch.routed]
    return run


def triage_case(case_id: int) -> Case | None:
    """Triage one case (see triage_cases_now); returns it, triaged or not, or None."""
    triage_cases_now([case_id])
    return Case.objects.select_related("category", "lead_org").filter(pk=case_id).first()
