"""Tasks: coordinators and team leads post them, volunteers accept and report back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copnet.accounts.models import User
from copnet.accounts.permissions import Perm, access, has_perm, lead_province
from copnet.audit.choices import AuditAction
from copnet.audit.services import record, record_change
from copnet.core.cleaning import FORMAT_CONTROLS_CODE, format_controls_message
from copnet.core.provinces import province_names
from copnet.core.urlnorm import UrlError, normalise_url
from copnet.core.workflow import check
from copnet.taxonomy.choices import Severity

from ..choices import (
    TASK_SKILL,
    AssignmentStatus,
    Skill,
    TaskKind,
    TaskStatus,
    UrlCheck,
)
from ..errors import VolunteerError, VolunteerErrorCode
from ..models import Assignment, Task, Volunteer
from ..rules import task_kinds_allowed
from ..training import training_complete
from ..workflow import ASSIGNMENT, TASK
from .common import clean_text, deny
from .membership import touch

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal
    from copnet.cases.models import Case

MAX_URLS = 20
MAX_HOURS = Decimal("100")


@dataclass
class TaskInput:
    kind: str
    title: str
    question: str
    due_at: Any
    province: str = ""
    urls: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    slots: int = 1
    case_reference: str = ""


def may_post(actor: Principal | None, province: str) -> bool:
    if has_perm(actor, Perm.MANAGE_VOLUNTEERS):
        return True
    lead = lead_province(actor)
    return lead is not None and lead == province


def _case_for(actor: Principal | None, reference: str) -> Case:
    from copnet.cases.models import Case

    case = access(actor, Case.objects.select_related("category"), reference=reference.strip())
    if case.category.severity == Severity.CRITICAL:
        raise VolunteerError(
            VolunteerErrorCode.CRITICAL_CASE,
            _(
                "Addresses of critical harm (such as child sexual abuse material) are checked "
                "by analysts, never by volunteers."
            ),
            "case_reference",
        )
    return case


def do_post_task(*, data: TaskInput, actor: Principal | None) -> Task:
    # Only a person may post (may_post says so; the isinstance tells the type checker).
    if not may_post(actor, data.province) or not isinstance(actor, User):
        deny(actor=actor, reason="task posted outside scope", target_type="volunteers.task")
    if data.kind not in TaskKind.values:
        raise VolunteerError(VolunteerErrorCode.INVALID_CHOICE, _("Choose a kind of task."), "kind")
    title = clean_text(data.title, limit=200, field="title", required=True)
    question = clean_text(data.question, limit=5000, field="question", required=True)
    if data.province and data.province not in province_names():
        raise VolunteerError(
            VolunteerErrorCode.INVALID_CHOICE, _("Choose a province from the list."), "province"
        )
    if not isinstance(data.skills, list) or any(s not in Skill.values for s in data.skills):
        raise VolunteerError(
            VolunteerErrorCode.INVALID_CHOICE, _("Choose from the options."), "skills"
        )
    if not isinstance(data.slots, int) or not 1 <= data.slots <= 500:
        raise VolunteerError(
            VolunteerErrorCode.INVALID, _("Between 1 and 500 volunteers."), "slots"
        )
    if not isinstance(data.due_at, dt.datetime) or data.due_at <= timezone.now():
        raise VolunteerError(
            VolunteerErrorCode.INVALID_DATE, _("The due date must be in the future."), "due_at"
        )
    case = None
    if data.case_reference.strip():
        try:
            case = _case_for(actor, data.case_reference)
        except VolunteerError:
            raise
        except Exception as exc:
            raise VolunteerError(
                VolunteerErrorCode.UNKNOWN_CASE, _("No case with this reference."), "case_reference"
            ) from exc
    raw_urls = [u for u in data.urls if isinstance(u, str) and u.strip()]
    if case is not None and not raw_urls:
        raw_urls = list(
            case.reports.values_list("urls__normalised", flat=True).exclude(
                urls__normalised__isnull=True
            )
        )
    if len(raw_urls) > MAX_URLS:
        raise VolunteerError(
            VolunteerErrorCode.TOO_MANY_URLS,
            _("At most %(limit)s web addresses per task.") % {"limit": MAX_URLS},
            "urls",
        )
    urls: list[str] = []
    for raw in raw_urls:
        try:
            normalised = normalise_url(raw).url
        except UrlError as exc:
            if exc.code == FORMAT_CONTROLS_CODE:
                raise VolunteerError(
                    VolunteerErrorCode.INVALID_URL, format_controls_message(raw), "urls"
                ) from exc
            raise VolunteerError(
                VolunteerErrorCode.INVALID_URL,
                _("“%(url)s” is not a web address we can check.") % {"url": raw.strip()[:80]},
                "urls",
            ) from exc
        if normalised not in urls:
            urls.append(normalised)
    if data.kind == TaskKind.VERIFY_URLS and not urls:
        raise VolunteerError(
            VolunteerErrorCode.URLS_REQUIRED,
            _("A verification task needs at least one web address."),
            "urls",
        )
    skills = sorted(set(data.skills) | {TASK_SKILL[TaskKind(data.kind)]})
    with transaction.atomic():
        task = Task.objects.create(
            kind=data.kind,
            title=title,
            question=question,
            urls=urls,
            province=data.province,
            skills=skills,
            slots=data.slots,
            due_at=data.due_at,
            case=case,
            created_by=actor,
        )
        record_change(
            actor=actor,
            action=AuditAction.CREATE,
            target=task,
            changes={"kind": task.kind, "province": task.province, "case": bool(case)},
        )
    return task


def do_close_task(*, task: Task, actor: Principal | None, cancel: bool = False) -> Task:
    if not may_post(actor, task.province):
        deny(actor=actor, reason="task closed outside scope", target=task)
    target = TaskStatus.CANCELLED if cancel else TaskStatus.CLOSED
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        check(TASK, task.status, target)
        before = task.status
        task.status = target
        task.save(update_fields=["status"])
        record_change(
            actor=actor,
            action=AuditAction.TRANSITION,
            target=task,
            changes={"status": [before, task.status]},
        )
    return task


def why_not_eligible(volunteer: Volunteer, task: Task) -> str | None:
    """A translated reason why this volunteer may not take this task, or None."""
    if not volunteer.is_active or not has_perm(volunteer.user, Perm.VOLUNTEER_TASKS):
        return _("Complete the required training before you take tasks.")
    if not training_complete(volunteer):
        return _("Complete the required training before you take tasks.")
    allowed = task_kinds_allowed(volunteer)
    if allowed is not None and task.kind not in allowed:
        return _("This task is for volunteers aged 18 or over.")
    if task.province and task.province != volunteer.province:
        return _("This task is for volunteers of another province.")
    if task.status != TaskStatus.OPEN or task.due_at <= timezone.now():
        return _("This task is no longer open.")
    return None


def do_accept_task(*, task: Task, volunteer: Volunteer, actor: Principal | None) -> Assignment:
    if getattr(actor, "pk", None) != volunteer.user_id:
        deny(actor=actor, reason="accepting a task for someone else", target=task)
    reason = why_not_eligible(volunteer, task)
    if reason is not None:
        deny(
            actor=actor,
            reason="task not open to this volunteer",
            target=task,
            exc=VolunteerError(VolunteerErrorCode.NOT_ELIGIBLE, reason),
        )
    with transaction.atomic():
        locked = Task.objects.select_for_update().get(pk=task.pk)
        taken = locked.assignments.exclude(status=AssignmentStatus.WITHDRAWN)
        if taken.filter(volunteer=volunteer).exists():
            raise VolunteerError(
                VolunteerErrorCode.ALREADY_ACCEPTED, _("You have already accepted this task.")
            )
        if taken.count() >= locked.slots:
            raise VolunteerError(
                VolunteerErrorCode.FULL, _("Enough volunteers have already taken this task.")
            )
        assignment, _created = Assignment.objects.update_or_create(
            task=locked,
            volunteer=volunteer,
            defaults={"status": AssignmentStatus.ACCEPTED, "accepted_at": timezone.now()},
        )
        record_change(
            actor=actor, action=AuditAction.CREATE, target=assignment, changes={"task": task.pk}
        )
    touch(volunteer)
    return assignment


def refuse_assignment(*, pk: object, actor: Principal | None) -> None:
    """Audit a request for a task assignment the actor may not see (another volunteer's, or
    none at all): the answer is 404 either way, and the attempt stays on record."""
    with transaction.atomic():
        record(
            actor=actor,
            action=AuditAction.DENIED,
            target_type="volunteers.assignment",
            target_id=str(pk)[:64],
            reason="acting on a task assignment of another volunteer",
        )


def check_own_assignment(
    assignment: Assignment, volunteer: Volunteer | None, actor: Principal | None
) -> Volunteer:
    """The volunteer, when the assignment is theirs and they are active; refused otherwise."""
    if volunteer is None or assignment.volunteer_id != volunteer.pk or not volunteer.is_active:
        deny(
            actor=actor,
            reason="acting on a task assignment of another volunteer",
            target=assignment,
        )
    return volunteer


def _hours(value: Any) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as exc:
        raise VolunteerError(
            VolunteerErrorCode.INVALID_HOURS, _("Give the hours as a number."), "hours"
        ) from exc
    if not Decimal("0.1") <= hours <= MAX_HOURS:
        raise VolunteerError(
            VolunteerErrorCode.INVALID_HOURS,
            _("Give between 0.1 and 100 hours for one task."),
            "hours",
        )
    return hours


def do_report_back(
    *,
    assignment: Assignment,
    volunteer: Volunteer | None,
    actor: Principal | None,
    hours: Any,
    outcome: str,
    url_results: dict[str, str] | None = None,
) -> Assignment:
    """Record hours and the outcome; for a verification task, one check per address. The
    result goes onto the case's timeline (for analysts), never the other way round."""
    volunteer = check_own_assignment(assignment, volunteer, actor)
    hours_value = _hours(hours)
    outcome = clean_text(outcome, limit=5000, field="outcome", required=True)
    task = assignment.task
    results: dict[str, str] = {}
    if task.kind == TaskKind.VERIFY_URLS:
        given = url_results if isinstance(url_results, dict) else {}
        for url in task.urls:
            value = given.get(url)
            if value not in UrlCheck.values:
                raise VolunteerError(
                    VolunteerErrorCode.CHECK_REQUIRED,
                    _("Say for every address what you found."),
                    "url_results",
                )
            results[url] = value
    with transaction.atomic():
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        check(ASSIGNMENT, locked.status, AssignmentStatus.REPORTED)
        locked.status = AssignmentStatus.REPORTED
        locked.reported_at = timezone.now()
        locked.hours = hours_value
        locked.outcome = outcome
        locked.url_results = results
        locked.save()
        if task.case is not None:
            from copnet.cases.choices import EventKind
            from copnet.cases.services import add_event

            lines = [f"{url}: {UrlCheck(value).label}" for url, value in results.items()]
            add_event(
                task.case,
                kind=EventKind.NOTE,
                actor=actor,
                text="\n".join([_("Volunteer check:"), *lines, outcome]),
                data={"volunteer_task": task.pk},
            )
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=locked,
            changes={"status": "reported", "hours": str(hours_value)},
        )
    touch(volunteer)
    return locked


def do_withdraw(
    *, assignment: Assignment, volunteer: Volunteer | None, actor: Principal | None
) -> Assignment:
    check_own_assignment(assignment, volunteer, actor)
    with transaction.atomic():
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        check(ASSIGNMENT, locked.status, AssignmentStatus.WITHDRAWN)
        locked.status = AssignmentStatus.WITHDRAWN
        locked.save(update_fields=["status"])
        record_change(
            actor=actor, action=AuditAction.UPDATE, target=locked, changes={"status": "withdrawn"}
        )
    return locked
