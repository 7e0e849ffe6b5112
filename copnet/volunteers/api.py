"""The volunteers' API (`/api/v1/volunteers/...`), with a personal volunteer key
(`Authorization: Bearer cpv_…`). Partner keys are not accepted here, and volunteer keys are not
accepted anywhere else."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.security import HttpBearer

from copnet.accounts.permissions import Perm, has_perm
from copnet.core.api_errors import errors
from copnet.core.errors import ApiError, ApiErrorCode
from copnet.reports.services import ReportInput

from . import selectors
from .models import Assignment, Task, Volunteer, VolunteerReport
from .schemas import (
    AssignmentOut,
    MeOut,
    ReportBackIn,
    TaskOut,
    VolunteerReportIn,
    VolunteerReportOut,
)
from .services import membership, reporting, work
from .training import training_complete

if TYPE_CHECKING:
    from copnet.accounts.models import User


class VolunteerApiRequest(HttpRequest):
    """A request through VolunteerKeyAuth: `auth` is the volunteer's account, `volunteer` the
    profile the key belongs to."""

    auth: User
    volunteer: Volunteer


class VolunteerKeyAuth(HttpBearer):
    """`Authorization: Bearer cpv_…`: request.auth becomes the volunteer's account."""

    openapi_description = "A volunteer's personal key (from the volunteer settings page)."

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        volunteer = membership.authenticate_key(token.strip())
        if volunteer is None:
            return None
        cast("VolunteerApiRequest", request).volunteer = volunteer  # read by _volunteer()
        return volunteer.user


router = Router(tags=["volunteers"], auth=VolunteerKeyAuth())


def _volunteer(request: VolunteerApiRequest) -> Volunteer:
    return request.volunteer


def _need(request: VolunteerApiRequest, perm: Perm) -> None:
    if not has_perm(request.auth, perm):
        raise ApiError(
            403, ApiErrorCode.FORBIDDEN, _("Complete the required training before you take tasks.")
        )


@router.get("/me", response=MeOut, summary="The volunteer this key belongs to")
def me(request: VolunteerApiRequest) -> dict[str, Any]:
    volunteer = _volunteer(request)
    return {
        "name": volunteer.user.full_name,
        "level": volunteer.level,
        "province": volunteer.province,
        "training_complete": training_complete(volunteer),
        "may_take_tasks": has_perm(volunteer.user, Perm.VOLUNTEER_TASKS),
        "trusted_reporter": reporting.is_trusted_reporter(volunteer),
        "hours": selectors.total_hours(volunteer),
    }


@router.get(
    "/tasks",
    response={200: list[TaskOut], **errors(403)},
    summary="Open tasks for your province and skills",
)
def open_tasks(request: VolunteerApiRequest) -> list[Task]:
    _need(request, Perm.VOLUNTEER_TASKS)
    return selectors.open_tasks_for_volunteer(_volunteer(request))


@router.post(
    "/tasks/{task_id}/accept",
    response={201: AssignmentOut, **errors(400, 403)},
    summary="Take a task",
    description="Refusals (400): `not_eligible`, `already_accepted`, `full`.",
)
def accept_task(request: VolunteerApiRequest, task_id: int) -> Status[Any]:
    _need(request, Perm.VOLUNTEER_TASKS)
    task = Task.objects.visible_to(request.auth).filter(pk=task_id).first()
    if task is None:  # missing, or for another province
        raise ApiError(404, ApiErrorCode.NOT_FOUND, _("Not found."))
    assignment = work.do_accept_task(  # VolunteerError: 400
        task=task,
        volunteer=_volunteer(request),
        actor=request.auth,
    )
    return Status(201, assignment)


@router.get("/assignments", response=list[AssignmentOut], summary="Your tasks")
def my_assignments(request: VolunteerApiRequest) -> list[Assignment]:
    return list(selectors.assignments_of(_volunteer(request))[:200])


@router.post(
    "/assignments/{assignment_id}/report",
    response={200: AssignmentOut, **errors(403, 409)},
    summary="Report back: hours, outcome and, for a verification task, one check per address",
)
def report_back(
    request: VolunteerApiRequest, assignment_id: int, payload: ReportBackIn
) -> Assignment:
    _need(request, Perm.VOLUNTEER_TASKS)
    assignment = (
        Assignment.objects.visible_to(request.auth)
        .select_related("task")
        .filter(pk=assignment_id, volunteer=_volunteer(request))
        .first()
    )
    if assignment is None:  # missing, or another volunteer's: audited, answers alike
        work.refuse_assignment(pk=assignment_id, actor=request.auth)
        raise ApiError(404, ApiErrorCode.NOT_FOUND, _("Not found."))
    try:
        return work.do_report_back(  # VolunteerError: 400; TransitionError: 409
            assignment=assignment,
            volunteer=_volunteer(request),
            actor=request.auth,
            hours=payload.hours,
            outcome=payload.outcome,
            url_results=payload.url_results,
        )
    except PermissionDenied as exc:
        raise ApiError(404, ApiErrorCode.NOT_FOUND, _("Not found.")) from exc


@router.post(
    "/reports",
    response={201: VolunteerReportOut, **errors(403)},
    summary="Report harm through the volunteers' simplified path",
)
def create_report(request: VolunteerApiRequest, payload: VolunteerReportIn) -> Status[Any]:
    volunteer = _volunteer(request)
    data = ReportInput(
        category=payload.category,
        urls=payload.urls,
        platform=payload.platform,
        description=payload.description,
        in_danger=payload.in_danger,
    )
    report = reporting.do_volunteer_report(  # IntakeError: 400
        volunteer=volunteer,
        data=data,
        actor=request.auth,
    )
    return Status(201, _report_out(report.volunteer_link))


@router.get("/reports", response=list[VolunteerReportOut], summary="Your reports and outcomes")
def my_reports(request: VolunteerApiRequest) -> list[dict[str, Any]]:
    return [_report_out(link) for link in selectors.reports_of(_volunteer(request))[:200]]


def _report_out(link: VolunteerReport) -> dict[str, Any]:
    return {
        "tracking_code": link.report.tracking_code,
        "category": link.report.category.code,
        "trusted": link.trusted,
        "outcome": link.outcome,
        "created_at": link.created_at,
    }
