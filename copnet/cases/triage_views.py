"""The case page's triage and ownership forms (htmx-boosted posts that come back to the case
page) and the workload page. Thin: each reads its form, calls one service, shows the result."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copnet.accounts.decorators import require_perm
from copnet.accounts.permissions import Perm, has_perm, visible_to
from copnet.accounts.principal import AuthedHttpRequest
from copnet.core.errors import run_then_redirect
from copnet.network.selectors import active_organisations
from copnet.reports.models import Report

from . import assignment, corrections, proposals, selectors
from .errors import CaseErrorCode, WorkflowError
from .forms import AssignForm, CorrectionForm, DecisionForm, MergeForm, SplitForm
from .models import Case, JoinProposal
from .views import _after_post


def _invalid() -> WorkflowError:
    return WorkflowError(CaseErrorCode.INVALID, _("Check the form."))


def _run(request: AuthedHttpRequest, case: Case, call: Callable[[], Any], ok: str) -> HttpResponse:
    return run_then_redirect(request, reverse("cases:detail", args=[case.reference]), call, ok)


CaseFormView = Callable[[AuthedHttpRequest, Case, Any], HttpResponse]


def _case_form(form_class: type[forms.Form]) -> Callable[[CaseFormView], Any]:
    """A POST about one case with `form_class`: the case is read through `access_case` (404 for
    missing and hidden alike); an invalid form goes back to the case page with "Check the
    form."; a valid one reaches the view as (request, case, form)."""

    def decorate(view: CaseFormView) -> Callable[[AuthedHttpRequest, str], HttpResponse]:
        @wraps(view)
        def wrapped(request: AuthedHttpRequest, reference: str) -> HttpResponse:
            case = selectors.access_case(request.user, reference)
            form = form_class(request.POST)
            if not form.is_valid():
                return _after_post(request, case, _invalid(), "")
            return view(request, case, form)

        return wrapped

    return decorate


@require_POST
@require_perm(Perm.TRIAGE_CASES)
@_case_form(CorrectionForm)
def correct(request: AuthedHttpRequest, case: Case, form: Any) -> HttpResponse:
    data = form.cleaned_data
    return _run(
        request,
        case,
        lambda: corrections.do_correct_triage(
            case=case,
            category=data["category"],
            priority=data["priority"],
            lead=data["lead"],
            supporting=data["supporting"] if "supporting" in request.POST else None,
            reason=data["reason"],
            actor=request.user,
        ),
        _("Triage was corrected."),
    )


@require_POST
@require_perm(Perm.TRIAGE_CASES)
@_case_form(DecisionForm)
def suggestion(request: AuthedHttpRequest, case: Case, form: Any) -> HttpResponse:
    accept = form.cleaned_data["decision"] == "accept"
    return _run(
        request,
        case,
        lambda: corrections.do_decide_suggestion(
            case=case, accept=accept, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        _("The suggested category was accepted.")
        if accept
        else _("The suggested category was rejected."),
    )


@require_POST
@require_perm(Perm.WORK_CASES)
@_case_form(AssignForm)
def assign(request: AuthedHttpRequest, case: Case, form: Any) -> HttpResponse:
    action = request.POST.get("action", "assign")
    if action == "take":
        return _run(
            request,
            case,
            lambda: assignment.do_take_case(case=case, actor=request.user),
            _("You now work on this case."),
        )
    if action == "return":
        return _run(
            request,
            case,
            lambda: assignment.do_return_case(
                case=case, actor=request.user, note=form.cleaned_data["note"]
            ),
            _("You gave the case back."),
        )
    person = None
    if form.cleaned_data["assignee"]:
        # Only people the actor may see; anyone else is "outside the lead organisation".
        from copnet.accounts.models import User

        person = (
            visible_to(request.user, User.objects.all())
            .filter(pk=form.cleaned_data["assignee"])
            .first()
        )
        if person is None:
            return _after_post(
                request,
                case,
                WorkflowError(
                    CaseErrorCode.ASSIGNEE_OUTSIDE_LEAD,
                    _("Choose a person of the case's lead organisation."),
                ),
                "",
            )
    return _run(
        request,
        case,
        lambda: assignment.do_assign_person(
            case=case, assignee=person, actor=request.user, note=form.cleaned_data["note"]
        ),
        _("The case was assigned."),
    )


@require_POST
@require_perm(Perm.TRIAGE_CASES)
@_case_form(SplitForm)
def split(request: AuthedHttpRequest, case: Case, form: Any) -> HttpResponse:
    report = Report.objects.filter(
        tracking_code=form.cleaned_data["report"].strip().upper()
    ).first()
    if report is None or report.case_id != case.pk:
        return _after_post(
            request,
            case,
            WorkflowError(
                CaseErrorCode.REPORT_NOT_IN_CASE, _("This report does not belong to the case.")
            ),
            "",
        )
    made: list[Case] = []
    response = _run(
        request,
        case,
        lambda: made.append(
            corrections.do_split_report(
                case=case, report=report, reason=form.cleaned_data["reason"], actor=request.user
            )
        ),
        "",
    )
    if made:
        from django.contrib import messages

        messages.success(
            request,
            _("The report was split into case %(reference)s.") % {"reference": made[0].reference},
        )
    return response


@require_POST
@require_perm(Perm.TRIAGE_CASES)
@_case_form(MergeForm)
def merge(request: AuthedHttpRequest, case: Case, form: Any) -> HttpResponse:
    into = (
        selectors.cases_visible_to(request.user)
        .filter(reference=form.cleaned_data["into"].strip().upper())
        .first()
    )
    return _run(
        request,
        case,
        lambda: corrections.do_merge_cases(
            case=case, into=into, reason=form.cleaned_data["reason"], actor=request.user
        ),
        _("The case was merged."),
    )


@require_POST
@require_perm(Perm.TRIAGE_CASES)
def decide_proposal(request: AuthedHttpRequest, reference: str, pk: int) -> HttpResponse:
    case = selectors.access_case(request.user, reference)
    proposal = JoinProposal.objects.filter(pk=pk).first()
    if proposal is None or case.pk not in (proposal.case_id, proposal.other_id):
        raise Http404
    other_id = proposal.other_id if proposal.case_id == case.pk else proposal.case_id
    if not selectors.cases_visible_to(request.user).filter(pk=other_id).exists():
        raise Http404
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _after_post(request, case, _invalid(), "")
    accept = form.cleaned_data["decision"] == "accept"
    return _run(
        request,
        case,
        lambda: proposals.do_decide_proposal(
            proposal=proposal, accept=accept, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        _("The cases were merged.") if accept else _("The cases stay apart."),
    )


@require_perm(Perm.VIEW_CASES)
def workload(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not has_perm(user, Perm.VIEW_PEOPLE):
        raise PermissionDenied
    organisations = active_organisations()
    chosen = user.organisation
    if has_perm(user, Perm.TRIAGE_CASES) and request.GET.get("org"):
        chosen = organisations.filter(code=request.GET["org"]).first() or chosen
    if chosen is None:
        raise Http404
    return render(
        request,
        "cases/workload.html",
        {
            "workload": selectors.workload(chosen),
            "organisations": organisations if has_perm(user, Perm.TRIAGE_CASES) else None,
        },
    )
