"""Public recruitment pages, the volunteer's own pages, and the coordinators' views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from copnet.accounts.permissions import Perm, has_perm, lead_province
from copnet.audit.services import record_view
from copnet.core.errors import DomainError, add_to_form, show_message
from copnet.core.provinces import province_choices, province_name
from copnet.core.ratelimit import check_rate, refused_page, wait_message
from copnet.core.workflow import allowed_next, by_name
from copnet.reports.errors import IntakeError
from copnet.stats.charts import province_map

from . import selectors
from .certificates import certificate_pdf
from .choices import (
    ApplicationStatus,
    AssignmentStatus,
    Level,
    Skill,
    TaskKind,
    VolunteerStatus,
)
from .errors import VolunteerError
from .forms import (
    ApplicationForm,
    GuardianConsentForm,
    KeyForm,
    LeaveForm,
    LevelForm,
    ReasonForm,
    ReplyForm,
    ReportBackForm,
    ReviewForm,
    SettingsForm,
    TaskForm,
    VolunteerReportForm,
)
from .models import Assignment, GuardianConsent, Task, TrainingItem, VolunteerKey
from .services import applications, membership, reporting, work
from .training import (
    completed_item_ids,
    course_complete,
    required_course,
    required_items,
    training_complete,
)
from .workflow import APPLICATION, ASSIGNMENT, TASK, VOLUNTEER


def _form_error(form: Any, exc: DomainError) -> None:
    add_to_form(form, exc)


# --- Public -------------------------------------------------------------------------------------
def apply(request: HttpRequest) -> HttpResponse:
    form = ApplicationForm(request.POST or None)
    if request.method == "POST":
        wait = check_rate(request, "volunteer-apply")
        if wait:
            form.add_error(None, wait_message(wait))
            return refused_page(
                request,
                "volunteers/apply.html",
                {"form": form, "min_age": settings.VOLUNTEER_MIN_AGE},
                wait,
            )
        if form.is_valid():
            try:
                application = applications.do_submit_application(
                    applications.check_application(form.to_input())
                )
            except VolunteerError as exc:
                _form_error(form, exc)
            else:
                request.session["volunteer_application"] = {
                    "minor": application.is_minor,
                }
                return redirect("volunteers:apply_thanks")
    return render(
        request, "volunteers/apply.html", {"form": form, "min_age": settings.VOLUNTEER_MIN_AGE}
    )


def apply_thanks(request: HttpRequest) -> HttpResponse:
    receipt = request.session.pop("volunteer_application", None)
    if receipt is None:
        return redirect("volunteers:apply")
    return render(request, "volunteers/apply_thanks.html", {"receipt": receipt})


@never_cache  # the reviewer's question to the applicant
def apply_reply(request: HttpRequest, token: str) -> HttpResponse:
    application = applications.application_by_reply_token(token)
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            applications.do_reply_to_application(raw_token=token, reply=form.cleaned_data["reply"])
        except DomainError as exc:
            _form_error(form, exc)
        else:
            return render(
                request,
                "volunteers/message.html",
                {
                    "title": _("Thank you"),
                    "text": _("We have your answer and will review your application again."),
                },
            )
    if application is None and request.method != "POST":
        return render(
            request,
            "volunteers/message.html",
            {
                "title": _("Link not valid"),
                "text": _("This link is not valid or was already used."),
            },
            status=404,
        )
    return render(
        request,
        "volunteers/apply_reply.html",
        {"form": form, "question": application.decision_reason if application else ""},
    )


@never_cache  # shows the child's application to the guardian
def guardian_consent(request: HttpRequest, token: str) -> HttpResponse:
    consent = applications.consent_by_token(token)
    form = GuardianConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            applications.do_confirm_guardian_consent(
                raw_token=token,
                typed_name=form.cleaned_data["guardian_name"],
            )
        except VolunteerError as exc:
            return render(
                request,
                "volunteers/message.html",
                {"title": _("Link not valid"), "text": exc.message},
                status=404,
            )
        return render(
            request,
            "volunteers/message.html",
            {
                "title": _("Thank you"),
                "text": _("Your consent is recorded. The Network will now review the application."),
            },
        )
    if consent is None or consent.confirmed_at is not None:
        return render(
            request,
            "volunteers/message.html",
            {
                "title": _("Link not valid"),
                "text": _("This link is not valid or was already used."),
            },
            status=404,
        )
    return render(
        request,
        "volunteers/guardian.html",
        {
            "form": form,
            "application": consent.application,
            "consent": consent,
            "province": province_name(consent.application.province),
        },
    )


class WelcomeView(auth_views.PasswordResetConfirmView):
    """An accepted volunteer chooses a password through the e-mailed link."""

    template_name = "volunteers/welcome.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, _("Your password is set. Sign in to start."))
        return super().form_valid(form)


# --- Volunteer pages ----------------------------------------------------------------------------
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
            _form_error(form, exc)
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
            _form_error(form, exc)
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
    return _certificate_response(request.volunteer)  # type: ignore[attr-defined]


def _certificate_response(volunteer: Any) -> HttpResponse:
    response = HttpResponse(certificate_pdf(volunteer), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{volunteer.pk}.pdf"'
    return response


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


# --- Coordinators and team leads ----------------------------------------------------------------
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
            _form_error(form, exc)
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
    return _certificate_response(selectors.access_volunteer(request.user, pk))


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
            _form_error(form, exc)
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
