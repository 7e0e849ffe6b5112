"""Correcting triage: category, priority, lead and supporting organisations (with a reason),
the classifier's suggestion accepted or rejected (a label for retraining: CategoryDecision),
a report split out into its own case, two cases merged.

A new category brings its own deadlines (deadlines.deadlines_for from the opening time) and,
unless the lead is set explicitly, today's routing (routing.Router). Every refusal changes
nothing; every change is audited and on the timeline.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copnet.accounts.permissions import is_active_person
from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change
from copnet.core.tasks import enqueue_on_commit
from copnet.core.text import strip_format_controls
from copnet.core.workflow import allows
from copnet.network.models import Organisation
from copnet.routing.services import Router
from copnet.taxonomy.models import HarmCategory

from .assignment import clear_assignee_outside
from .choices import CaseStatus, EventKind, Priority
from .deadlines import deadlines_for
from .errors import CaseErrorCode, WorkflowError
from .events import add_event, refresh_next_due
from .joining import CaseRequest, build_case
from .models import Case, CategoryDecision
from .notifications import notify_escalation_to_p1
from .services import do_transition
from .triage import TriageFacts, compute_priority
from .triage_batch import triage_cases_now
from .workflow import CASE

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal
    from copnet.reports.models import Report


def _reason(reason: str) -> str:
    reason = strip_format_controls(reason or "").strip()
    if not reason:
        raise WorkflowError(
            CaseErrorCode.CORRECTION_REASON_REQUIRED,
            _("Give a reason for the correction."),
            field="reason",
        )
    return reason


def _lock_open(case: Case) -> Case:
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("category", "lead_org", "assignee")
        .get(pk=case.pk)
    )
    if not locked.is_open:
        raise WorkflowError(CaseErrorCode.CASE_CLOSED, _("A closed case cannot be changed."))
    return locked


def _decide_suggestion(locked: Case, chosen: HarmCategory, actor: Principal | None) -> bool:
    """Record whether the suggestion was taken; True when it was accepted."""
    suggested = locked.suggested_category
    accepted = chosen.pk == suggested.pk  # type: ignore[union-attr]
    CategoryDecision.objects.update_or_create(
        case=locked,
        defaults={
            "suggested": suggested,
            "chosen": chosen,
            "accepted": accepted,
            "decided_by": actor if is_active_person(actor) else None,
            "decided_at": timezone.now(),
        },
    )
    return accepted


def do_correct_triage(
    *,
    case: Case,
    reason: str,
    actor: Principal | None,
    category: HarmCategory | None = None,
    priority: int | None = None,
    lead: Organisation | None = None,
    supporting: Iterable[Organisation] | None = None,
) -> Case:
    """Change what triage decided. Values equal to the case's own count as not given: the
    lead then follows a new category's routing, the priority its severity."""
    reason = _reason(reason)
    if priority is not None and priority not in Priority.values:
        raise WorkflowError(CaseErrorCode.INVALID, _("Check the form."), field="priority")
    with transaction.atomic():
        locked = _lock_open(case)
        changes: dict[str, Any] = {}
        old_category = locked.category
        new_category = category or old_category
        category_changed = new_category.pk != old_category.pk
        if category_changed:
            changes["category"] = [old_category.code, new_category.code]
            locked.category = new_category
        if priority is None or priority == locked.priority:
            priority = locked.priority
            if category_changed:  # the new category's severity, as triage would set it
                priority = compute_priority(
                    TriageFacts(
                        severity=new_category.severity,
                        in_danger=locked.in_danger,
                        child_age_band=locked.child_age_band,
                        report_count=locked.report_count,
                    )
                )
                if locked.keep_blurred:  # matched known abuse material: stays critical
                    priority = Priority.P1
        if priority != locked.priority:
            changes["priority"] = [locked.priority, priority]
            locked.priority = priority
        if "category" in changes or "priority" in changes:
            due = deadlines_for(new_category, locked.created_at, locked.priority)
            locked.ack_due, locked.action_due, locked.close_due = (
                due.ack_due,
                due.action_due,
                due.close_due,
            )
        new_lead = lead if lead is not None and lead.pk != locked.lead_org_id else None
        new_supporting = list(supporting) if supporting is not None else None
        current_supporting = sorted(o.code for o in locked.supporting_orgs.all())
        if new_supporting is not None and sorted(o.code for o in new_supporting) == (
            current_supporting
        ):
            new_supporting = None
        found = (
            Router().route(
                category=new_category, platform=locked.platform, province=locked.province
            )
            if category_changed
            else None
        )
        if found is not None:
            if new_lead is None and found.lead.pk != locked.lead_org_id:
                new_lead = found.lead
            if new_supporting is None:
                new_supporting = found.supporting
        if new_lead is not None and new_supporting is None:
            new_supporting = list(locked.supporting_orgs.all())
        if new_lead is not None:
            before = locked.lead_org.code if locked.lead_org else None
            changes["lead_org"] = [before, new_lead.code]
            locked.lead_org = new_lead
            locked.assigned_at = timezone.now()
            if allows(CASE, locked.status, CaseStatus.ASSIGNED, name="assign"):
                locked.status = CaseStatus.ASSIGNED
            clear_assignee_outside(locked, actor=actor)
        if new_supporting is not None:
            lead_id = locked.lead_org_id
            new_supporting = [o for o in new_supporting if o.pk != lead_id]
            codes = sorted(o.code for o in new_supporting)
            if codes != current_supporting:
                changes["supporting"] = [current_supporting, codes]
        if category_changed and locked.suggested_category_id:
            changes["suggestion_accepted"] = _decide_suggestion(locked, new_category, actor)
        if not changes:
            raise WorkflowError(
                CaseErrorCode.NOTHING_CHANGED, _("Nothing was changed: the values are the same.")
            )
        refresh_next_due(locked)
        locked.save()
        if "supporting" in changes:
            locked.supporting_orgs.set(new_supporting or [])
        add_event(locked, kind=EventKind.CORRECTED, actor=actor, text=reason, data=changes)
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=locked,
            changes=changes,
            reason="triage corrected",
            note=reason,
        )
        if "lead_org" in changes:
            enqueue_on_commit("copnet.cases.tasks.notify_assignments", [locked.pk])
        if "priority" in changes:  # also when the lead changed back to one already told
            notify_escalation_to_p1(locked)
    return locked


def do_decide_suggestion(
    *, case: Case, accept: bool, actor: Principal | None, reason: str = ""
) -> Case:
    """Accept the suggested category (the case takes it, as a correction) or reject it (the
    case keeps its own). Either way the decision is a label for retraining."""
    if case.suggested_category_id is None or _decided(case):
        raise WorkflowError(
            CaseErrorCode.NO_SUGGESTION, _("This case has no suggested category to decide on.")
        )
    if accept:
        return do_correct_triage(
            case=case,
            category=case.suggested_category,
            actor=actor,
            reason=reason or _("The suggested category was accepted."),
        )
    note = strip_format_controls(reason or "").strip() or _("The suggested category was rejected.")
    with transaction.atomic():
        locked = _lock_open(case)
        _decide_suggestion(locked, locked.category, actor)
        data = {"suggested": locked.suggested_category.code, "accepted": False}  # type: ignore[union-attr]
        add_event(locked, kind=EventKind.SUGGESTION, actor=actor, text=note, data=data)
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=locked,
            changes=data,
            reason="suggested category rejected",
            note=note,
        )
    return locked


def _decided(case: Case) -> bool:
    return CategoryDecision.objects.filter(case_id=case.pk).exists()


def do_split_report(*, case: Case, report: Report, reason: str, actor: Principal | None) -> Case:
    """Move one report (with its evidence and detection hits) out of the case into a new case
    of the report's own category, triaged and routed at once. Returns the new case."""
    reason = _reason(reason)
    with transaction.atomic():
        locked = _lock_open(case)
        if report.case_id != locked.pk:
            raise WorkflowError(
                CaseErrorCode.REPORT_NOT_IN_CASE, _("This report does not belong to the case.")
            )
        remaining = locked.reports.exclude(pk=report.pk)
        if not remaining.exists():
            raise WorkflowError(
                CaseErrorCode.LAST_REPORT,
                _("The last report of a case cannot be split out: change the category instead."),
            )
        new = build_case(
            CaseRequest(
                category=report.category,
                platform=report.platform,
                province=report.province,
                child_age_band=report.child_age_band,
                in_danger=report.in_danger,
            ),
            timezone.now(),
        )
        new.save()
        type(report).objects.filter(pk=report.pk).update(case=new)
        locked.hits.filter(evidence__report_id=report.pk).update(case=new)
        locked.report_count = remaining.count()
        locked.in_danger = remaining.filter(in_danger=True).exists()
        locked.save(update_fields=["report_count", "in_danger"])
        moved = {"report": report.tracking_code, "to": new.reference, "from": locked.reference}
        add_event(new, kind=EventKind.CREATED, actor=actor, to_status=new.status, data=moved)
        add_event(locked, kind=EventKind.SPLIT, actor=actor, text=reason, data=moved)
        for target in (locked, new):
            record_change(
                actor=actor,
                action=AuditAction.UPDATE if target is locked else AuditAction.CREATE,
                target=target,
                changes=moved,
                reason="report split into its own case",
                note=reason,
            )
        triage_cases_now([new.pk])
        enqueue_on_commit("copnet.cases.tasks.notify_assignments", [new.pk])
    new.refresh_from_db()
    return new


def do_merge_cases(*, case: Case, into: Case | None, reason: str, actor: Principal | None) -> Case:
    """Merge `case` into `into` (explicit, with a reason): see services.do_transition."""
    reason = _reason(reason)
    return do_transition(
        case=case, target=CaseStatus.MERGED, actor=actor, reason=reason, merge_into=into
    )
