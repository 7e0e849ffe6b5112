"""Writes on cases. Every change runs in a transaction, adds a timeline event and an audit row.
Text staff type (notes, messages, reasons) loses invisible format characters (core.text)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from copnet.accounts.models import User
from copnet.accounts.permissions import is_active_person
from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change
from copnet.core.cleaning import clean_field
from copnet.core.tasks import enqueue_on_commit
from copnet.core.text import strip_format_controls
from copnet.core.workflow import allows, check
from copnet.network.models import Organisation
from copnet.taxonomy.models import HarmCategory

from .assignment import clear_assignee_outside
from .choices import ActionKind, CaseStatus, EventKind, ProposalStatus
from .errors import CaseErrorCode, WorkflowError
from .events import add_event, refresh_next_due
from .joining import CaseRequest, open_or_join_cases
from .models import Case, CaseAction, CaseEvent, JoinProposal, ReportMessage
from .triage_batch import triage_case as triage_one
from .workflow import CASE, CaseMove

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal
    from copnet.reports.models import Evidence, Report


def open_or_join_case(
    *,
    category: HarmCategory,
    platform: str,
    province: str,
    child_age_band: str,
    in_danger: bool,
    url_keys: Iterable[str],
    sha256s: Iterable[str],
    actor: Principal | None,
) -> tuple[Case, bool]:
    """One report's case (see `joining.open_or_join_cases`); inside the caller's transaction."""
    request = CaseRequest(
        category=category,
        platform=platform,
        province=province,
        child_age_band=child_age_band,
        in_danger=in_danger,
        url_keys=list(url_keys),
        sha256s=list(sha256s),
    )
    return open_or_join_cases([request], actor=actor)[0]


def triage_case(case_id: int) -> Case | None:
    """Prioritise, route and assign one case (see triage_batch)."""
    return triage_one(case_id)


def do_transition(
    *,
    case: Case,
    target: str,
    actor: Principal | None,
    reason: str = "",
    outcome: str = "",
    merge_into: Case | None = None,
) -> Case:
    reason = strip_format_controls(reason)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if merge_into is not None:  # its status now, not as the caller last read it
            merge_into = Case.objects.get(pk=merge_into.pk)
        check(
            CASE,
            locked.status,
            target,
            context=CaseMove(case=locked, outcome=outcome, merge_into=merge_into),
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
        if target == CaseStatus.MERGED and merge_into is not None:  # check() made sure
            locked.merged_into = merge_into
            _merge_into(locked, merge_into, actor=actor, now=now)
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
            reason="status changed",
            note=reason,
        )
    return locked


def _merge_into(source: Case, target: Case, *, actor: Principal | None, now: dt.datetime) -> None:
    """What a merged case brings to the case it joins: its reports' count, danger, the higher
    priority and earlier deadlines, supporting bodies, detection hits; proposals to join the
    two are settled."""
    into = Case.objects.select_for_update().get(pk=target.pk)
    into.report_count += source.report_count
    into.in_danger = into.in_danger or source.in_danger
    into.priority = min(into.priority, source.priority)
    into.ack_due = min(into.ack_due, source.ack_due)
    into.action_due = min(into.action_due, source.action_due)
    refresh_next_due(into)
    into.save(
        update_fields=["report_count", "in_danger", "priority", "ack_due", "action_due", "next_due"]
    )
    brought = source.supporting_orgs.all()
    if into.lead_org_id is not None:
        brought = brought.exclude(pk=into.lead_org_id)
    into.supporting_orgs.add(*brought)
    source.hits.update(case=into)
    JoinProposal.objects.filter(
        Q(case=source, other=into) | Q(case=into, other=source), status=ProposalStatus.PENDING
    ).update(
        status=ProposalStatus.ACCEPTED,
        decided_at=now,
        decided_by=actor if is_active_person(actor) else None,
    )


def do_reassign(
    *,
    case: Case,
    lead: Organisation,
    supporting: Iterable[Organisation],
    reason: str,
    actor: Principal | None,
) -> Case:
    reason = strip_format_controls(reason)
    if not reason.strip():
        raise WorkflowError(CaseErrorCode.REASON_REQUIRED, _("Give a reason for the reassignment."))
    supporting = [org for org in supporting if org.pk != lead.pk]
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if not locked.is_open:
            raise WorkflowError(CaseErrorCode.CASE_CLOSED, _("A closed case cannot be reassigned."))
        before = locked.lead_org.code if locked.lead_org else None
        locked.lead_org = lead
        locked.assigned_at = timezone.now()
        clear_assignee_outside(locked, actor=actor)
        if allows(CASE, locked.status, CaseStatus.ASSIGNED, name="assign"):
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
            reason="case reassigned",
            note=reason,
        )
        enqueue_on_commit("copnet.cases.tasks.notify_assignments", [locked.pk])
    return locked


def do_record_action(*, case: Case, kind: str, note: str, actor: Principal | None) -> CaseAction:
    if kind not in ActionKind.values:
        raise WorkflowError(CaseErrorCode.INVALID_ACTION, _("Choose an action from the list."))
    note = strip_format_controls(note)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if not locked.is_open:
            raise WorkflowError(
                CaseErrorCode.CASE_CLOSED, _("Actions cannot be added to a closed case.")
            )
        action = CaseAction.objects.create(
            case=locked,
            kind=kind,
            note=note,
            actor=actor if isinstance(actor, User) else None,
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


def do_add_note(*, case: Case, text: str, actor: Principal | None) -> CaseEvent:
    text = strip_format_controls(text)
    if not text.strip():
        raise WorkflowError(CaseErrorCode.EMPTY_NOTE, _("The note is empty."))
    with transaction.atomic():
        event = add_event(case, kind=EventKind.NOTE, actor=actor, text=text)
        record_change(
            actor=actor, action=AuditAction.CREATE, target=event, changes={"case": case.reference}
        )
    return event


MESSAGE_LIMIT = 2000
# Markup has no place in a message shown to a reporter (pages escape it anyway): a tag, a
# comment, or a script address is refused rather than stored.
_MARKUP = re.compile(r"<\s*/?\s*[a-z!?][^>]*>|<!--|javascript\s*:", re.IGNORECASE)


def do_send_report_message(
    *, case: Case, report: Report | None, text: str, actor: Principal | None
) -> ReportMessage:
    """A message to the reporter of one report of `case`, in that reporter's language; only
    that report's status page shows it. `report` is what the caller may see (None: nothing
    found); one of another case is refused like a missing one."""
    text = clean_field(text, limit=MESSAGE_LIMIT, field="text", error=WorkflowError).strip()
    if not text:
        raise WorkflowError(CaseErrorCode.REQUIRED, field="text")
    if _MARKUP.search(text):
        raise WorkflowError(CaseErrorCode.MARKUP_NOT_ALLOWED, field="text")
    if report is None or report.case_id != case.pk:
        raise WorkflowError(CaseErrorCode.REPORT_NOT_IN_CASE, field="report")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.purged_at is not None or report.purged_at is not None:
            raise WorkflowError(CaseErrorCode.PURGED)
        message = ReportMessage.objects.create(
            report=report,
            text=text,
            language=report.language or settings.LANGUAGE_CODE,
            author=actor if is_active_person(actor) else None,
            organisation_id=getattr(actor, "organisation_id", None),
        )
        # The timeline says that a message went to whom, not what it said: the text stays
        # with the report, for those who may see it (need to know).
        add_event(
            locked,
            kind=EventKind.STATUS_MESSAGE,
            actor=actor,
            data={"report": report.tracking_code, "language": message.language},
        )
        record_change(
            actor=actor,
            action=AuditAction.CREATE,
            target=message,
            changes={
                "case": locked.reference,
                "report": report.tracking_code,
                "language": message.language,
            },
            reason="message to a reporter",
        )
    return message


def do_record_reveal(*, evidence: Evidence, actor: Principal | None) -> None:
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


# A case page shows every picture's blurred preview, and no-store makes the browser fetch them
# again on each visit: one row per person, picture and kind per window says who saw what and
# when (to five minutes) without one row per image request. The case page itself is audited on
# every visit; a reveal (the POST) is audited every time.
EVIDENCE_VIEW_WINDOW = 300


def do_record_evidence_view(*, evidence: Evidence, actor: Principal, kind: str) -> bool:
    """Audit that `actor` was served `kind` ("preview" or "original") of a picture, at most once
    per EVIDENCE_VIEW_WINDOW; True when a row was written. If the cache is unavailable the row
    is always written (more audit, never less)."""
    from django.core.cache import cache
    from django.utils.crypto import salted_hmac

    seen = salted_hmac("copnet.cases.evidence-view", f"{actor.pk}:{evidence.pk}:{kind}")
    try:
        first = cache.add(f"ev-view:{seen.hexdigest()[:40]}", 1, timeout=EVIDENCE_VIEW_WINDOW)
    except Exception:  # an unreachable cache must not stop the audit
        first = True
    if first:
        record_change(
            actor=actor,
            action=AuditAction.VIEW,
            target=evidence,
            changes={"shown": kind},
            reason="blurred preview shown" if kind == "preview" else "original picture shown",
        )
    return first
