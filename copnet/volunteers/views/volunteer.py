"""The volunteer's own pages: home, training, tasks, reports, certificate, settings."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copnet.accounts.permissions import Perm, has_perm
from copnet.core.errors import DomainError, show_message
from copnet.core.provinces import province_choices, province_name
from copnet.core.workflow import allowed_next, by_name
from copnet.reports.errors import IntakeError

from .. import selectors
from ..choices import AssignmentStatus, Level, TaskKind
from ..forms import KeyForm, LeaveForm, ReportBackForm, SettingsForm, VolunteerReportForm
from ..models import Assignment, Task, TrainingItem, VolunteerKey
from ..services import membership, reporting, work
from ..training import (
    completed_item_ids,
    course_complete,
    required_course,
    required_items,
    training_complete,
)
from ..workflow import ASSIGNMENT
from .common import certificate_response, form_error


def volunteer_page(perm: Perm = Perm.VOLUNTEER_REPORT) -> Callable[..., Any]:
    """Signed-in volunteers with a profile and `perm`; request.volunteer is set."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            volunteer = selectors.volunteer_of(request.user)
            if volunteer is None or not has_perm(request.user, Perm.VOLUNTEER_REPORT):
                raise PermissionDenied
            if not has_perm(request.user, perm):
                messages.error(request, _("Complete the required training before you take tasks."))
                return redirect("volunteers:training")
            request.volunteer = volunteer  # type: ignore[attr-defined]
            membership.touch(volunteer)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


@volunteer_page()
def home(request: HttpRequest) -> HttpResponse:
    volunteer = request.volunteer  # type: ignore[attr-defined]
    items = required_items()
    done = completed_item_ids(volunteer)
    return render(
        request,
        "volunteers/home.html",
        {
            "volunteer": volunteer,
            "training_done": sum(1 for i in items if i.pk in done),
            "training_total": len(items),
            "training_complete": training_complete(volunteer),
            "can_take_tasks": has_perm(request.user, Perm.VOLUNTEER_TASKS),
            "open_tasks": selectors.open_tasks_for_volunteer(volunteer)[:10]
            if has_perm(request.user, Perm.VOLUNTEER_TASKS)
            else [],
            "my_assignments": selectors.assignments_of(volunteer).filter(
                status=AssignmentStatus.ACCEPTED
            ),
            "hours": selectors.total_hours(volunteer),
            "is_lead": has_perm(request.user, Perm.LEAD_VOLUNTEERS),
            "trusted": reporting.is_trusted_reporter(volunteer),
        },
    )


@volunteer_page()
def training(request: HttpRequest) -> HttpResponse:
    volunteer = request.volunteer  # type: ignore[attr-defined]
    if request.method == "POST" and "confirm" in request.POST:
        # The required course was finished in the education app: becoming `trained` is a
        # change of level, so it is asked for (POST) and audited by the service, never a GET.
        if membership.do_refresh_training(volunteer=volunteer, actor=request.user):
            messages.success(request, _("Training complete. You can now take tasks."))
        return redirect("volunteers:training")
    if request.method == "POST":
        item = get_object_or_404(TrainingItem, pk=request.POST.get("item") or 0, is_active=True)
        complete = membership.do_complete_training_item(
            volunteer=volunteer, item=item, actor=request.user
        )
        if complete:
            messages.success(request, _("Training complete. You can now take tasks."))
        return redirect("volunteers:training")
    done = completed_item_ids(volunteer)
    course = required_course()
    complete = training_complete(volunteer)
    return render(
        request,
        "volunteers/training.html",
        {
            "items": [(i, i.pk in done) for i in required_items()],
            "course": course,
            "course_done": course_complete(volunteer),
            "complete": complete,
            "to_confirm": complete and volunteer.level == Level.NEW,
        },
    )


@volunteer_page(Perm.VOLUNTEER_TASKS)
def task_list(request: HttpRequest) -> HttpResponse:
    volunteer = request.volunteer  # type: ignore[attr-defined]
    return render(
        request,
        "volunteers/task_list.html",
        {
            "tasks": selectors.open_tasks_for_volunteer(volunteer),
            "assignments": selectors.assignments_of(volunteer)[:50],
        },
    )


@volunteer_page(Perm.VOLUNTEER_TASKS)
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """What a volunteer sees of a task: title, question, addresses. Never the case."""
    volunteer = request.volunteer  # type: ignore[attr-defined]
    task = Task.objects.access(request.user, pk=pk)  # another province's task: 404
    mine = (
        Assignment.objects.visible_to(request.user).filter(task=task, volunteer=volunteer).first()
    )
    if mine is None and work.why_not_eligible(volunteer, task) is not None:
        raise Http404  # not open to this volunteer: answers like a missing task
    if request.method == "POST":
        try:
            mine = work.do_accept_task(task=task, volunteer=volunteer, actor=request.user)
        except DomainError as exc:
            show_message(request, exc)
        else:
            messages.success(request, _("You have taken this task. Report back when it is done."))
            return redirect("volunteers:report_back", pk=mine.pk)
    return render(
        request,
        "volunteers/task_detail.html",
        {"task": task, "assignment": mine, "province": province_name(task.province)},
    )


@volunteer_page(Perm.VOLUNTEER_TASKS)
def report_back(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = request.volunteer  # type: ignore[attr-defined]
    assignment = (
        Assignment.objects.visible_to(request.user)
        .select_related("task")
        .filter(pk=pk, volunteer=volunteer)
        .first()
    )
    if assignment is None:
        # Another volunteer's or missing: audited as a refusal, answers like a missing row.
        work.refuse_assignment(pk=pk, actor=request.user)
        raise Http404
    task = assignment.task
    urls = task.urls if task.kind == TaskKind.VERIFY_URLS else []
    form = ReportBackForm(request.POST or None, urls=urls)
    if request.method == "POST" and "withdraw" in request.POST:
        try:
            work.do_withdraw(assignment=assignment, volunteer=volunteer, actor=request.user)
        except DomainError as exc:
            show_message(request, exc)
        else:
            messages.success(request, _("You handed the task back."))
        return redirect("volunteers:tasks")
    if request.method == "POST" and form.is_valid():
        try:
            work.do_report_back(
                assignment=assignment,
                volunteer=volunteer,
                actor=request.user,
                hours=form.cleaned_data["hours"],
                outcome=form.cleaned_data["outcome"],
                url_results=form.url_results(),
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Thank you. Your report and hours are recorded."))
            return redirect("volunteers:tasks")
    return render(
        request,
        "volunteers/report_back.html",
        {
            "task": task,
            "assignment": assignment,
            "form": form,
            "actions": by_name(allowed_next(ASSIGNMENT, assignment.status)),
        },
    )


@volunteer_page()
def report(request: HttpRequest) -> HttpResponse:
    volunteer = request.volunteer  # type: ignore[attr-defined]
    form = VolunteerReportForm(
        request.POST or None, request.FILES or None, minor=volunteer.is_minor
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = reporting.do_volunteer_report(
                volunteer=volunteer, data=form.to_input(volunteer.province), actor=request.user
            )
        except IntakeError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                _("Thank you. Your report %(code)s is received; you will hear the outcome here.")
                % {"code": created.tracking_code},
            )
            return redirect("volunteers:my_reports")
    return render(
        request,
        "volunteers/report.html",
        {"form": form, "trusted": reporting.is_trusted_reporter(volunteer)},
    )


@volunteer_page()
def my_reports(request: HttpRequest) -> HttpResponse:
    volunteer = request.volunteer  # type: ignore[attr-defined]
    page = Paginator(selectors.reports_of(volunteer), 50).get_page(request.GET.get("page"))
    return render(request, "volunteers/my_reports.html", {"page": page})


@volunteer_page()
def history(request: HttpRequest) -> HttpResponse:
    volunteer = request.volunteer  # type: ignore[attr-defined]
    return render(
        request,
        "volunteers/history.html",
        {"items": selectors.history(volunteer), "hours": selectors.total_hours(volunteer)},
    )


@volunteer_page()
def certificate(request: HttpRequest) -> HttpResponse:
    return certificate_response(request.volunteer)  # type: ignore[attr-defined]


@volunteer_page()
def leaderboard(request: HttpRequest) -> HttpResponse:
    volunteer = request.volunteer  # type: ignore[attr-defined]
    province = request.GET.get("province") or volunteer.province
    if province not in dict(province_choices()):
        province = volunteer.province
    return render(
        request,
        "volunteers/leaderboard.html",
        {
            "rows": selectors.leaderboard(province, me=volunteer),
            "province": province,
            "provinces": province_choices(),
            "opted_out": volunteer.leaderboard_opt_out,
            "minor": volunteer.is_minor,
        },
    )


@volunteer_page()
def volunteer_settings(request: HttpRequest) -> HttpResponse:
    volunteer = request.volunteer  # type: ignore[attr-defined]
    form = SettingsForm(
        request.POST or None, initial={"leaderboard_opt_out": volunteer.leaderboard_opt_out}
    )
    key_form = KeyForm(prefix="key")
    if request.method == "POST" and "key-name" in request.POST:
        key_form = KeyForm(request.POST, prefix="key")
        if key_form.is_valid():
            key, raw = membership.do_create_key(
                volunteer=volunteer, name=key_form.cleaned_data["name"], actor=request.user
            )
            return render(request, "volunteers/key_created.html", {"key": key, "raw_key": raw})
    elif request.method == "POST" and form.is_valid():
        membership.do_set_leaderboard_opt_out(
            volunteer=volunteer,
            opt_out=form.cleaned_data["leaderboard_opt_out"],
            actor=request.user,
        )
        messages.success(request, _("Saved."))
        return redirect("volunteers:settings")
    return render(
        request,
        "volunteers/settings.html",
        {
            "form": form,
            "key_form": key_form,
            "keys": volunteer.keys.all(),
            "leave_form": LeaveForm(),
        },
    )


@require_POST
@volunteer_page()
def revoke_key(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = request.volunteer  # type: ignore[attr-defined]
    key = get_object_or_404(VolunteerKey, pk=pk, volunteer=volunteer)
    membership.do_revoke_key(key=key, actor=request.user)
    messages.success(request, _("The key was revoked. It no longer works."))
    return redirect("volunteers:settings")


@require_POST
@volunteer_page()
def leave(request: HttpRequest) -> HttpResponse:
    volunteer = request.volunteer  # type: ignore[attr-defined]
    form = LeaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm that you want to leave."))
        return redirect("volunteers:settings")
    membership.do_offboard(
        volunteer=volunteer, actor=request.user, reason=form.cleaned_data["reason"]
    )
    return render(
        request,
        "volunteers/message.html",
        {
            "title": _("Goodbye"),
            "text": _(
                "You have left the volunteer network. Thank you for everything you did for "
                "children."
            ),
        },
    )
