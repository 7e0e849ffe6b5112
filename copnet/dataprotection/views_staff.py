"""Staff pages of the data-protection officer: the request queue, a request with its answer,
legal grounds of the case, the breach register and the records of processing."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from copnet.accounts.decorators import require_perm
from copnet.accounts.permissions import Perm, has_network_wide_scope, has_perm
from copnet.audit.choices import AuditAction
from copnet.audit.services import record, record_view
from copnet.core.errors import DomainError, add_to_form, show_message
from copnet.core.workflow import allowed_next, by_name
from copnet.network.models import Organisation

from . import breaches as breach_services
from . import services
from .choices import ConsentGiver, ConsentPurpose, RequestStatus
from .consent import missing_consents
from .export import export_zip, report_data
from .forms import AnswerForm, BreachForm, BreachMoveForm, ConsentForm, GroundForm, RefuseForm
from .legal import grounds_for
from .models import (
    Breach,
    ConsentRecord,
    LegalGround,
    ProcessingActivity,
    RetentionRule,
    SubjectRequest,
)
from .workflow import BREACH, REQUEST

P = Perm.MANAGE_DATA_PROTECTION


def _may(request: HttpRequest) -> Callable[[str], bool]:
    return lambda perm: has_perm(request.user, Perm(perm))


@require_perm(P)
def request_list(request: HttpRequest) -> HttpResponse:
    rows = SubjectRequest.objects.visible_to(request.user).select_related("report")
    return render(
        request,
        "dataprotection/staff/request_list.html",
        {
            "open": rows.filter(status=RequestStatus.RECEIVED),
            "done": rows.exclude(status=RequestStatus.RECEIVED).order_by("-answered_at")[:50],
            "now": timezone.now(),
        },
    )


@require_perm(P)
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = SubjectRequest.objects.access(request.user, pk=pk)
    if request.method == "POST":
        return _act(request, row)
    record_view(actor=request.user, target=row)
    case = row.report.case
    return render(
        request,
        "dataprotection/staff/request_detail.html",
        {
            "row": row,
            "data": report_data(row.report),
            "grounds": grounds_for(case),
            "recorded_grounds": LegalGround.objects.visible_to(request.user).filter(case=case),
            "actions": by_name(allowed_next(REQUEST, row.status, may=_may(request))),
            "answer_form": AnswerForm(),
            "refuse_form": RefuseForm(),
            "ground_form": GroundForm(),
            "consents": ConsentRecord.objects.visible_to(request.user).filter(case=case),
            "consent_form": ConsentForm(),
            "missing_for_disclosure": [
                ConsentGiver(g).label
                for g in sorted(missing_consents(case, ConsentPurpose.DISCLOSE_CHILD))
            ],
        },
    )


def _act(request: HttpRequest, row: SubjectRequest) -> HttpResponse:
    action = request.POST.get("action", "")
    try:
        if action == "answer":
            form = AnswerForm(request.POST)
            if form.is_valid():
                services.do_answer_request(
                    request=row, actor=request.user, answer=form.cleaned_data["answer"]
                )
                messages.success(request, _("The request is answered."))
        elif action == "refuse":
            refuse = RefuseForm(request.POST)
            if refuse.is_valid():
                services.do_refuse_request(
                    request=row,
                    actor=request.user,
                    ground=refuse.cleaned_data["ground"],
                    answer=refuse.cleaned_data["answer"],
                )
                messages.success(request, _("The request is refused on its legal ground."))
        elif action == "ground":
            ground = GroundForm(request.POST)
            if ground.is_valid():
                services.do_record_ground(
                    case=row.report.case, actor=request.user, **ground.cleaned_data
                )
                messages.success(request, _("The legal ground is recorded."))
            else:
                messages.error(request, _("Choose a legal ground and give its basis."))
        elif action == "consent":
            consent = ConsentForm(request.POST)
            if consent.is_valid():
                services.do_record_consent(
                    case=row.report.case,
                    report=row.report,
                    actor=request.user,
                    **consent.cleaned_data,
                )
                messages.success(request, _("The consent is recorded."))
    except DomainError as exc:
        show_message(request, exc)
    return redirect("privacy_staff:request", pk=row.pk)


@require_perm(P)
def request_export(request: HttpRequest, pk: int) -> HttpResponse:
    row = SubjectRequest.objects.access(request.user, pk=pk)
    record(
        actor=request.user,
        action=AuditAction.EXPORT,
        target=row,
        reason="data-subject export downloaded by staff",
    )
    response = HttpResponse(export_zip(row.report), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{row.number}.zip"'
    return response


@require_perm(P)
def breach_list(request: HttpRequest) -> HttpResponse:
    organisations = _organisations(request)
    form = BreachForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            breach = breach_services.do_record_breach(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            return redirect("privacy_staff:breach", pk=breach.pk)
    rows = Breach.objects.visible_to(request.user).select_related("organisation")
    return render(
        request,
        "dataprotection/staff/breach_list.html",
        {"breaches": rows, "form": form, "now": timezone.now()},
    )


def _organisations(request: HttpRequest) -> QuerySet[Organisation]:
    if has_network_wide_scope(request.user):
        return Organisation.objects.all()
    own = getattr(request.user, "organisation_id", None)
    return Organisation.objects.filter(pk=own) if own else Organisation.objects.none()


@require_perm(P)
def breach_detail(request: HttpRequest, pk: int) -> HttpResponse:
    breach = Breach.objects.access(request.user, pk=pk)
    form = BreachMoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            breach_services.do_move_breach(
                breach=breach,
                target=request.POST.get("target", ""),
                actor=request.user,
                reference=form.cleaned_data["reference"],
                assessment=form.cleaned_data["answer"],
            )
        except DomainError as exc:
            show_message(request, exc)
        return redirect("privacy_staff:breach", pk=breach.pk)
    record_view(actor=request.user, target=breach)
    return render(
        request,
        "dataprotection/staff/breach_detail.html",
        {
            "breach": breach,
            "form": form,
            "actions": allowed_next(BREACH, breach.status, may=_may(request)),
            "now": timezone.now(),
        },
    )


def _register_context() -> dict[str, object]:
    return {
        "activities": ProcessingActivity.objects.select_related("retention"),
        "rules": RetentionRule.objects.all(),
        "generated": timezone.now(),
    }


@require_perm(P)
def processing_register(request: HttpRequest) -> HttpResponse:
    return render(request, "dataprotection/staff/register.html", _register_context())


@require_perm(P)
def processing_register_download(request: HttpRequest) -> HttpResponse:
    html = render_to_string(
        "dataprotection/register_document.html", _register_context(), request=request
    )
    record(
        actor=request.user,
        action=AuditAction.EXPORT,
        target_type="dataprotection.processingactivity",
        reason="records of processing downloaded",
    )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="records-of-processing.html"'
    return response
