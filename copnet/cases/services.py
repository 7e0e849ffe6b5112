"""Writes on cases. Every change runs in a transaction, adds a timeline event and an audit row."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change
from copnet.core.tasks import enqueue_on_commit
from copnet.network.models import Organisation
from copnet.routing.services import route
from copnet.taxonomy.models import HarmCategory

from .choices import (
    OPEN_STATUSES,
    REJECTION_OUTCOMES,
    ActionKind,
    CaseStatus,
    EventKind,
    Outcome,
    Priority,
)
from .deadlines import deadlines_for
from .models import Case, CaseAction, CaseEvent
from .triage import DETECTORS, SEVERITY_PRIORITY, DetectionSignal, TriageFacts, compute_priority
from .workflow import WorkflowError, check_transition

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_reference() -> str:
    year = timezone.localdate().strftime("%y")
    return f"C{year}-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(7))


def _actor_label(actor: Any) -> str:
    if actor is None:
        return "system"
    if getattr(actor, "is_api_key", False):
        return f"api-key:{actor.prefix}"
    return getattr(actor, "email", "") or "anonymous"


def add_event(
    case: Case,
    *,
    kind: str,
    actor: Any = None,
    text: str = "",
    from_status: str = "",
    to_status: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    user = (
        actor
        if getattr(actor, "is_authenticated", False) and not getattr(actor, "is_api_key", False)
        else None
    )
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=user,
        actor_label=_actor_label(actor),
        text=text,
        from_status=from_status,
        to_status=to_status,
        data=data or {},
    )


def refresh_next_due(case: Case) -> None:
    pending = []
    if case.is_open:
        if case.acknowledged_at is None:
            pending.append(case.ack_due)
        if case.first_action_at is None:
            pending.append(case.action_due)
        pending.append(case.close_due)
    case.next_due = min(pending) if pending else None


def find_open_case(*, url_keys: Iterable[str], sha256s: Iterable[str]) -> Case | None:
    """The open case that already has one of these addresses or images, if any."""
    from copnet.reports.models import Evidence, ReportUrl

    url_keys, sha256s = list(url_keys), list(sha256s)
    open_cases = Case.objects.filter(status__in=OPEN_STATUSES)
    if url_keys:
        ids = ReportUrl.objects.filter(url_key__in=url_keys).values("report__case_id")
        case = open_cases.filter(pk__in=ids).order_by("created_at").first()
        if case:
            return case
    if sha256s:
        ids = Evidence.objects.filter(sha256__in=sha256s).values("report__case_id")
        return open_cases.filter(pk__in=ids).order_by("created_at").first()
    return None


def lock_cases_for_joining(*, url_keys: Iterable[str], sha256s: Iterable[str]) -> None:
    """Lock, in id order, every open case that these reports may join.

    A batch that joins several existing cases takes their row locks up front and always in the
    same order, so two concurrent batches cannot deadlock on them. Call inside the batch's
    transaction, before the reports are saved."""
    from copnet.reports.models import Evidence, ReportUrl

    url_keys, sha256s = list(set(url_keys)), list(set(sha256s))
    ids: set[int] = set()
    for start in range(0, len(url_keys), 500):
        ids.update(
            ReportUrl.objects.filter(url_key__in=url_keys[start : start + 500]).values_list(
                "report__case_id", flat=True
            )
        )
    for start in range(0, len(sha256s), 500):
        ids.update(
            Evidence.objects.filter(sha256__in=sha256s[start : start + 500]).values_list(
                "report__case_id", flat=True
            )
        )
    if ids:
        list(
            Case.objects.filter(pk__in=ids, status__in=OPEN_STATUSES)
            .order_by("pk")
            .select_for_update()
            .values_list("pk", flat=True)
        )


def open_or_join_case(
    *,
    category: HarmCategory,
    platform: str,
    province: str,
    child_age_band: str,
    in_danger: bool,
    url_keys: Iterable[str],
    sha256s: Iterable[str],
    actor: Any,
) -> tuple[Case, bool]:
    """Must run inside the caller's transaction (the report is saved in the same one)."""
    existing = find_open_case(url_keys=url_keys, sha256s=sha256s)
    if existing is not None:
        # Only ever raise the danger flag: a concurrent join may have set it already.
        extra = {"in_danger": True} if in_danger else {}
        Case.objects.filter(pk=existing.pk).update(report_count=F("report_count") + 1, **extra)
        existing.refresh_from_db()
        add_event(existing, kind=EventKind.REPORT_ADDED, actor=actor)
        return existing, True
    now = timezone.now()
    due = deadlines_for(category, now, SEVERITY_PRIORITY[category.severity])
    case = Case(
        reference=new_reference(),
        created_at=now,
        category=category,
        platform=platform,
        province=province,
        child_age_band=child_age_band,
        in_danger=in_danger,
        priority=Priority.P1 if in_danger else SEVERITY_PRIORITY[category.severity],
        ack_due=due.ack_due,
        action_due=due.action_due,
        close_due=due.close_due,
    )
    refresh_next_due(case)
    case.save()
    add_event(case, kind=EventKind.CREATED, actor=actor, to_status=case.status)
    return case, False


def _signals(case: Case) -> tuple[DetectionSignal, ...]:
    found: list[DetectionSignal] = []
    for detector in DETECTORS:
        found.extend(detector(case))
    return tuple(found)


def triage_case(case_id: int) -> Case | None:
    """Prioritise, route and assign a case. Idempotent: safe to run again (it only raises the
    priority, never lowers it; it routes only a case that has no lead yet)."""
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or not case.is_open:
            return case
        signals = _signals(case)
        priority = compute_priority(
            TriageFacts(
                severity=case.category.severity,
                in_danger=case.in_danger,
                child_age_band=case.child_age_band,
                report_count=case.report_count,
                signals=signals,
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
                suggested = HarmCategory.objects.filter(code=signal.suggested_category).first()
                if suggested and suggested.pk != case.category_id:
                    case.suggested_category = suggested
                    changed["suggested_category"] = suggested.code
        now = timezone.now()
        if case.status == CaseStatus.NEW:
            case.status, case.triaged_at = CaseStatus.TRIAGED, now
            add_event(
                case,
                kind=EventKind.TRIAGED,
                from_status=CaseStatus.NEW,
                to_status=CaseStatus.TRIAGED,
                data={
                    "priority": case.priority,
                    "signals": [s.explanation or s.source for s in signals],
                },
            )
        elif changed:
            add_event(case, kind=EventKind.TRIAGED, data={"changed": changed})
        assigned = False
        if case.lead_org_id is None:
            found = route(category=case.category, platform=case.platform, province=case.province)
            if found is not None:
                case.lead_org = found.lead
                case.assigned_at = now
                if case.status == CaseStatus.TRIAGED:
                    case.status = CaseStatus.ASSIGNED
                add_event(
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
                assigned = True
        refresh_next_due(case)
        case.save()
        if assigned:
            case.supporting_orgs.set(found.supporting)
            record_change(
                actor=None,
                action=AuditAction.UPDATE,
                target=case,
                changes={"lead_org": case.lead_org.code, "priority": case.priority},
                reason="automatic triage and routing",
            )
    return case


def do_transition(
    *,
    case: Case,
    target: str,
    actor: Any,
    reason: str = "",
    outcome: str = "",
    merge_into: Case | None = None,
) -> Case:
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        check_transition(locked.status, target)
        if target == CaseStatus.CLOSED and outcome not in Outcome.values:
            raise WorkflowError("outcome_required", _("Choose an outcome to close the case."))
        if target == CaseStatus.REJECTED and outcome not in REJECTION_OUTCOMES:
            raise WorkflowError(
                "rejection_reason_required",
                _("Say why the case is rejected: not harmful or out of scope."),
            )
        bad_merge = merge_into is None or merge_into.pk == locked.pk or not merge_into.is_open
        if target == CaseStatus.MERGED and bad_merge:
            raise WorkflowError(
                "merge_target_required", _("Choose another open case to merge into.")
            )
        now = timezone.now()
        previous = locked.status
        locked.status = target
        if target == CaseStatus.IN_PROGRESS and locked.acknowledged_at is None:
            locked.acknowledged_at = now
        if target in {CaseStatus.CLOSED, CaseStatus.REJECTED, CaseStatus.MERGED}:
            locked.closed_at = now
            locked.outcome = outcome
            locked.outcome_note = reason
        if target == CaseStatus.MERGED:
            locked.merged_into = merge_into
            Case.objects.filter(pk=merge_into.pk).update(
                report_count=F("report_count") + locked.report_count
            )
            locked.reports.update(case=merge_into)
            add_event(
                merge_into,
                kind=EventKind.REPORT_ADDED,
                actor=actor,
                data={"merged_from": locked.reference},
            )
        refresh_next_due(locked)
        locked.save()
        add_event(
            locked,
            kind=EventKind.TRANSITION,
            actor=actor,
            from_status=previous,
            to_status=target,
            text=reason,
            data={"outcome": outcome} if outcome else {},
        )
        record_change(
            actor=actor,
            action=AuditAction.TRANSITION,
            target=locked,
            changes={"status": [previous, target], "outcome": outcome},
            reason=reason,
        )
    return locked


def do_reassign(
    *, case: Case, lead: Organisation, supporting: Iterable[Organisation], reason: str, actor: Any
) -> Case:
    if not reason.strip():
        raise WorkflowError("reason_required", _("Give a reason for the reassignment."))
    supporting = [org for org in supporting if org.pk != lead.pk]
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if not locked.is_open:
            raise WorkflowError("case_closed", _("A closed case cannot be reassigned."))
        before = locked.lead_org.code if locked.lead_org else None
        locked.lead_org = lead
        locked.assigned_at = timezone.now()
        if locked.status in {CaseStatus.NEW, CaseStatus.TRIAGED}:
            locked.status = CaseStatus.ASSIGNED
        locked.save()
        locked.supporting_orgs.set(supporting)
        add_event(
            locked,
            kind=EventKind.REASSIGNED,
            actor=actor,
            text=reason,
            data={"from": before, "to": lead.code, "supporting": [o.code for o in supporting]},
        )
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=locked,
            changes={"lead_org": [before, lead.code]},
            reason=reason,
        )
        from .tasks import notify_assignments

        enqueue_on_commit(notify_assignments, [locked.pk])
    return locked


def do_record_action(*, case: Case, kind: str, note: str, actor: Any) -> CaseAction:
    if kind not in ActionKind.values:
        raise WorkflowError("invalid_action", _("Choose an action from the list."))
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if not locked.is_open:
            raise WorkflowError("case_closed", _("Actions cannot be added to a closed case."))
        action = CaseAction.objects.create(
            case=locked,
            kind=kind,
            note=note,
            actor=actor,
            organisation=getattr(actor, "organisation", None),
        )
        if locked.first_action_at is None:
            locked.first_action_at = action.at
        if locked.acknowledged_at is None:
            locked.acknowledged_at = action.at
        refresh_next_due(locked)
        locked.save(update_fields=["first_action_at", "acknowledged_at", "next_due"])
        add_event(locked, kind=EventKind.ACTION, actor=actor, text=note, data={"action": kind})
        record_change(
            actor=actor,
            action=AuditAction.CREATE,
            target=action,
            changes={"case": locked.reference, "kind": kind},
        )
    return action


def do_add_note(*, case: Case, text: str, actor: Any) -> CaseEvent:
    if not text.strip():
        raise WorkflowError("empty_note", _("The note is empty."))
    with transaction.atomic():
        event = add_event(case, kind=EventKind.NOTE, actor=actor, text=text)
        record_change(
            actor=actor, action=AuditAction.CREATE, target=event, changes={"case": case.reference}
        )
    return event


def do_set_status_message(*, case: Case, message: str, actor: Any) -> Case:
    with transaction.atomic():
        before = case.status_message
        case.status_message = message
        case.save(update_fields=["status_message"])
        add_event(case, kind=EventKind.STATUS_MESSAGE, actor=actor, text=message)
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=case,
            changes={"status_message": [before, message]},
        )
    return case


def do_record_reveal(*, evidence: Any, actor: Any) -> None:
    """An analyst chose to see an original picture: audited, and shown on the timeline."""
    with transaction.atomic():
        add_event(
            evidence.report.case,
            kind=EventKind.EVIDENCE_REVEALED,
            actor=actor,
            data={"evidence": evidence.pk},
        )
        record_change(
            actor=actor,
            action=AuditAction.VIEW,
            target=evidence,
            reason="original evidence revealed",
        )
