"""People own work: a case is assigned to one person of its lead organisation.

A coordinator or analyst (Perm.TRIAGE_CASES), or anyone who works cases in the lead
organisation, assigns; an officer of the lead organisation takes an unassigned case or gives
back one assigned to them. The assignee must be active, of the lead organisation and able to
work cases; each change is audited, put on the timeline, and the new assignee gets an e-mail
(core.mail outbox, sent after commit). No personal data of the case goes into the e-mail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from copnet.accounts.permissions import Perm, has_perm, is_active_person
from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change
from copnet.core.links import absolute_reverse
from copnet.core.mail import queue_email

from .choices import EventKind
from .errors import CaseErrorCode, WorkflowError
from .events import add_event
from .models import Case

if TYPE_CHECKING:
    from copnet.accounts.models import User
    from copnet.accounts.principal import Principal


def may_assign(actor: Principal | None, case: Case) -> bool:
    """Coordinators and analysts anywhere; people who work cases in the lead organisation."""
    if has_perm(actor, Perm.TRIAGE_CASES):
        return True
    return (
        has_perm(actor, Perm.WORK_CASES)
        and case.lead_org_id is not None
        and getattr(actor, "organisation_id", None) == case.lead_org_id
    )


def check_assignee(case: Case, person: Any) -> None:
    """WorkflowError unless `person` may be given this case."""
    if not getattr(person, "is_active", False) or not is_active_person(person):
        raise WorkflowError(
            CaseErrorCode.ASSIGNEE_INACTIVE,
            _("This person's account is not active."),
            field="assignee",
        )
    if person.organisation_id != case.lead_org_id:
        raise WorkflowError(
            CaseErrorCode.ASSIGNEE_OUTSIDE_LEAD,
            _("Choose a person of the case's lead organisation."),
            field="assignee",
        )
    if not has_perm(person, Perm.WORK_CASES):
        raise WorkflowError(
            CaseErrorCode.ASSIGNEE_CANNOT_WORK,
            _("This person may not work on cases."),
            field="assignee",
        )


def _lock_open(case: Case) -> Case:
    locked = Case.objects.select_for_update(of=("self",)).select_related("category").get(pk=case.pk)
    if not locked.is_open:
        raise WorkflowError(CaseErrorCode.CASE_CLOSED, _("A closed case cannot be changed."))
    if locked.lead_org_id is None:
        raise WorkflowError(CaseErrorCode.NO_LEAD_ORG, _("The case has no lead organisation yet."))
    return locked


def _set_assignee(
    locked: Case, person: User | None, *, actor: Principal | None, how: str, note: str = ""
) -> Case:
    before = locked.assignee
    locked.assignee = person
    locked.save(update_fields=["assignee"])
    data = {
        "how": how,
        "from": before.email if before else None,
        "to": person.email if person else None,
    }
    event = add_event(locked, kind=EventKind.PERSON_ASSIGNED, actor=actor, text=note, data=data)
    record_change(
        actor=actor,
        action=AuditAction.UPDATE,
        target=locked,
        changes={"assignee": [data["from"], data["to"]]},
        reason=f"case {how}",
        note=note,
    )
    if person is not None and person.pk != getattr(actor, "pk", None):
        _queue_notice(locked, person, event.pk)
    return locked


def _queue_notice(case: Case, person: User, event_id: int) -> None:
    with translation.override(person.language or "vi"):
        subject = _("[COPNet] Case %(reference)s (%(priority)s) is assigned to you") % {
            "reference": case.reference,
            "priority": case.get_priority_display(),
        }
        body = _(
            "A case has been assigned to you.\n\n"
            "Reference: %(reference)s\nCategory: %(category)s\nPriority: %(priority)s\n"
            "Act by: %(due)s\n\nOpen it in COPNet: %(url)s\n"
        ) % {
            "reference": case.reference,
            "category": case.category.name,
            "priority": case.get_priority_display(),
            "due": case.action_due.strftime("%d/%m/%Y %H:%M UTC"),
            "url": absolute_reverse("cases:detail", case.reference),
        }
    queue_email(key=f"cases.assignee:{event_id}", to=[person.email], subject=subject, body=body)


def do_assign_person(
    *, case: Case, assignee: User | None, actor: Principal | None, note: str = ""
) -> Case:
    """Give the case to `assignee` (None: nobody). Nothing changes on a refusal."""
    with transaction.atomic():
        locked = _lock_open(case)
        if not may_assign(actor, locked):
            raise WorkflowError(
                CaseErrorCode.ASSIGN_FORBIDDEN,
                _("Only a coordinator or a person of the lead organisation may assign this case."),
            )
        if assignee is not None:
            check_assignee(locked, assignee)
        if (assignee.pk if assignee else None) == locked.assignee_id:
            raise WorkflowError(
                CaseErrorCode.NOTHING_CHANGED, _("Nothing was changed: the values are the same.")
            )
        return _set_assignee(locked, assignee, actor=actor, how="assigned", note=note)


def do_take_case(*, case: Case, actor: Principal | None) -> Case:
    """The actor takes an unassigned case of their own organisation."""
    with transaction.atomic():
        locked = _lock_open(case)
        if locked.assignee_id is not None:
            raise WorkflowError(
                CaseErrorCode.ALREADY_ASSIGNED, _("Someone already works on this case.")
            )
        check_assignee(locked, actor)
        return _set_assignee(locked, actor, actor=actor, how="taken")  # type: ignore[arg-type]


def do_return_case(*, case: Case, actor: Principal | None, note: str = "") -> Case:
    """The assignee gives the case back: it is unassigned again."""
    with transaction.atomic():
        locked = _lock_open(case)
        if locked.assignee_id is None or locked.assignee_id != getattr(actor, "pk", None):
            raise WorkflowError(
                CaseErrorCode.NOT_ASSIGNEE, _("Only the person assigned can give the case back.")
            )
        return _set_assignee(locked, None, actor=actor, how="returned", note=note)


def clear_assignee_outside(locked: Case, *, actor: Principal | None) -> None:
    """After the lead changed: an assignee of another organisation no longer holds the case."""
    person = locked.assignee
    if person is not None and person.organisation_id != locked.lead_org_id:
        locked.assignee = None
        add_event(
            locked,
            kind=EventKind.PERSON_ASSIGNED,
            actor=actor,
            data={"how": "lead changed", "from": person.email, "to": None},
        )
