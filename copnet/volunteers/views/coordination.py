"""Coordinators' and team leads' pages: applications, volunteers, tasks, coverage."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from copnet.accounts.permissions import Perm, has_perm, lead_province
from copnet.audit.services import record_view
from copnet.core.errors import DomainError, show_message
from copnet.core.provinces import province_choices, province_name
from copnet.core.workflow import allowed_next, by_name
from copnet.stats.charts import province_map

from .. import selectors
from ..choices import ApplicationStatus, Level, Skill, VolunteerStatus
from ..errors import VolunteerError
from ..forms import LevelForm, ReasonForm, ReviewForm, TaskForm
from ..models import GuardianConsent
from ..services import applications, membership, work
from ..training import training_complete
from ..workflow import APPLICATION, TASK, VOLUNTEER
from .common import certificate_response, form_error


def network_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Coordinators (every province) and team leads (their own province)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (
            has_perm(request.user, Perm.MANAGE_VOLUNTEERS)
            or has_perm(request.user, Perm.LEAD_VOLUNTEERS)
        ):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def coordinator_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_perm(request.user, Perm.MANAGE_VOLUNTEERS):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@network_page
def manage(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "volunteers/manage.html",
        {
            "pending": selectors.applications_for(user)[:20],
            "overdue": selectors.overdue_assignments(user)[:50],
            "coverage": selectors.coverage(user),
            "is_coordinator": has_perm(user, Perm.MANAGE_VOLUNTEERS),
            "lead_province": province_name(lead_province(user) or ""),
        },
    )


@network_page
def application_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    if status not in {"open", *ApplicationStatus.values}:
        status = "open"
    page = Paginator(selectors.applications_for(request.user, status=status), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "volunteers/application_list.html",
        {"page": page, "status": status, "statuses": ApplicationStatus.choices},
    )


@network_page
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.access_application(request.user, pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            applications.do_review_application(
                application=application,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The decision is recorded and the applicant informed."))
            return redirect("volunteers:applications")
    else:
        record_view(actor=request.user, target=application)
    consent = (
        GuardianConsent.objects.visible_to(request.user).filter(application=application).first()
    )
    return render(
        request,
        "volunteers/application_detail.html",
        {
            "application": application,
            "consent": consent,
            "form": form,
            "decisions": allowed_next(APPLICATION, application.status),
            "province": province_name(application.province),
            "age": application.age() if application.date_of_birth else None,
            "skills": [Skill(s).label for s in application.skills],
        },
    )


@network_page
def volunteer_list(request: HttpRequest) -> HttpResponse:
    province = request.GET.get("province", "")
    skill = request.GET.get("skill", "")
    province = province if province in dict(province_choices()) else ""
    skill = skill if skill in Skill.values else ""
    page = Paginator(
        selectors.volunteers_for(request.user, province=province, skill=skill), 50
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "volunteers/volunteer_list.html",
        {
            "page": page,
            "province": province,
            "skill": skill,
            "provinces": province_choices(),
            "skills": Skill.choices,
        },
    )


@network_page
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = selectors.access_volunteer(request.user, pk)
    is_coordinator = has_perm(request.user, Perm.MANAGE_VOLUNTEERS)
    forms: dict[str, Any] = {
        "level": LevelForm(initial={"level": volunteer.level}),
        "status": ReasonForm(),
    }
    if request.method == "POST":
        if not is_coordinator:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "level":
                forms["level"] = LevelForm(request.POST)
                if forms["level"].is_valid():
                    membership.do_set_level(
                        volunteer=volunteer,
                        level=forms["level"].cleaned_data["level"],
                        reason=forms["level"].cleaned_data["reason"],
                        actor=request.user,
                    )
                    messages.success(request, _("Saved."))
                    return redirect("volunteers:volunteer", pk=pk)
            elif action in {"suspend", "reinstate", "offboard"}:
                forms["status"] = ReasonForm(request.POST)
                if forms["status"].is_valid():
                    do = {
                        "suspend": membership.do_suspend,
                        "reinstate": membership.do_reinstate,
                        "offboard": membership.do_offboard,
                    }[action]
                    do(
                        volunteer=volunteer,
                        actor=request.user,
                        reason=forms["status"].cleaned_data["reason"],
                    )
                    messages.success(request, _("Saved."))
                    return redirect("volunteers:volunteer", pk=pk)
        except DomainError as exc:
            show_message(request, exc)
    else:
        record_view(actor=request.user, target=volunteer)
    return render(
        request,
        "volunteers/volunteer_detail.html",
        {
            "volunteer": volunteer,
            "province": province_name(volunteer.province),
            "hours": selectors.total_hours(volunteer),
            "history": selectors.history(volunteer)[:50],
            "training_complete": training_complete(volunteer),
            "is_coordinator": is_coordinator,
            "status_actions": by_name(
                allowed_next(
                    VOLUNTEER,
                    volunteer.status,
                    may=lambda perm: has_perm(request.user, Perm(perm)),
                )
            ),
            "forms": forms,
            "levels": Level,
            "statuses": VolunteerStatus,
        },
    )


@coordinator_page
def volunteer_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    return certificate_response(selectors.access_volunteer(request.user, pk))


@network_page
def manage_tasks(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.tasks_for(request.user).order_by("-created_at"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "volunteers/manage_tasks.html", {"page": page, "now": timezone.now()})


@network_page
def task_new(request: HttpRequest) -> HttpResponse:
    lead = None if has_perm(request.user, Perm.MANAGE_VOLUNTEERS) else lead_province(request.user)
    provinces = [(lead, province_name(lead))] if lead else None
    form = TaskForm(request.POST or None, provinces=provinces)
    if request.method == "POST" and form.is_valid():
        try:
            task = work.do_post_task(data=form.to_input(), actor=request.user)
        except VolunteerError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The task is posted."))
            return redirect("volunteers:manage_task", pk=task.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("New volunteer task"), "submit_label": _("Post the task")},
    )


@network_page
def manage_task(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.access_task(request.user, pk)
    if request.method == "POST":
        try:
            work.do_close_task(
                task=task, actor=request.user, cancel=request.POST.get("action") == "cancel"
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved."))
        return redirect("volunteers:manage_task", pk=pk)
    return render(
        request,
        "volunteers/manage_task.html",
        {
            "task": task,
            "assignments": task.assignments.select_related("volunteer__user"),
            "province": province_name(task.province),
            "actions": by_name(allowed_next(TASK, task.status)),
            # Team leads are volunteers: the case a task came from is not for them.
            "show_case": has_perm(request.user, Perm.VIEW_CASES),
        },
    )


@network_page
def coverage(request: HttpRequest) -> HttpResponse:
    rows = selectors.coverage(request.user)
    return render(
        request,
        "volunteers/coverage.html",
        {"rows": rows, "skills": Skill.choices, "map": _coverage_map(rows)},
    )


GAP_FILL = "#f4b6b0"  # provinces without an active volunteer


def _coverage_map(rows: list[selectors.ProvinceCoverage]) -> SafeString:
    return province_map(
        {row.code: row.volunteers for row in rows},
        _("Active volunteers per province"),
        reverse("volunteers:volunteers") + "?province=",
        "coverage-map",
        empty_fill=GAP_FILL,
        desc=_("Map of active volunteers per province; red: no volunteer (a coverage gap)."),
    )
