"""Staff: managers accept, assign, reconcile, decide and publish; evaluators score."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copnet.accounts.decorators import require_perm
from copnet.accounts.permissions import Perm, has_perm
from copnet.accounts.principal import AuthedHttpRequest

if TYPE_CHECKING:
    from django import forms
from copnet.audit.services import record_view
from copnet.core.errors import DomainError
from copnet.core.workflow import allowed_next, by_name

from .. import pdf, selectors
from ..choices import EvaluationStatus
from ..errors import EvaluationError, EvaluationErrorCode
from ..forms import AssignForm, FindingsForm, PublishForm, ReasonForm, ReconcileForm
from ..models import Evaluation
from ..services import scores, workflow
from .common import file_response


@require_perm(Perm.VIEW_STAFF_AREA)
@require_perm(Perm.VIEW_EVALUATIONS)
def evaluation_list(request: AuthedHttpRequest) -> HttpResponse:
    rows = selectors.evaluations_visible_to(request.user)
    status = request.GET.get("status", "")
    if status in EvaluationStatus.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluations/staff_list.html",
        {"page": page, "status": status, "statuses": EvaluationStatus.choices},
    )


def _context(request: AuthedHttpRequest, evaluation: Evaluation) -> dict[str, Any]:
    user = request.user
    manager = has_perm(user, Perm.MANAGE_EVALUATIONS)
    mine = evaluation.assignments.filter(evaluator=user).first()
    actions = by_name(
        allowed_next(
            workflow.EVALUATION,
            evaluation.status,
            context=evaluation,
            may=lambda perm: has_perm(user, Perm(perm)),
        )
    )
    return {
        "evaluation": evaluation,
        "rows": selectors.item_rows(evaluation, user.pk),
        "assignments": evaluation.assignments.select_related("evaluator__organisation"),
        "documents": evaluation.documents.all(),
        "manager": manager,
        "mine": mine,
        "actions": actions,
        "can_score": mine is not None and mine.submitted_at is None and "score" in actions,
        "assign_form": AssignForm(),
        "reason_form": ReasonForm(),
        "findings_form": FindingsForm(),
        "publish_form": PublishForm(),
        "reconcile_form": ReconcileForm(),
        "unreconciled": workflow.unreconciled(evaluation)
        if evaluation.status == EvaluationStatus.RECONCILIATION
        else [],
        "score_choices": cast("forms.ChoiceField", ReconcileForm.base_fields["value"]).choices,
        "accept": ", ".join(f".{e}" for e in ("pdf", "png", "jpg", "jpeg", "docx", "odt")),
        "max_mb": settings.EVALUATION_FILE_MAX_BYTES // (1024 * 1024),
    }


@require_perm(Perm.VIEW_STAFF_AREA)
@require_perm(Perm.VIEW_EVALUATIONS)
def evaluation_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    evaluation = selectors.access_evaluation(request.user, pk)
    record_view(actor=request.user, target=evaluation)
    return render(request, "evaluations/staff_detail.html", _context(request, evaluation))


def _step(
    request: AuthedHttpRequest, pk: int, run: Callable[[Evaluation], object], done: str
) -> HttpResponse:
    evaluation = selectors.access_evaluation(request.user, pk)
    try:
        run(evaluation)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("evaluations:detail", pk=pk)


def _invalid(request: AuthedHttpRequest, pk: int, form: forms.Form) -> HttpResponse:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return redirect("evaluations:detail", pk=pk)


@require_POST
@require_perm(Perm.MANAGE_EVALUATIONS)
def accept(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda e: workflow.do_accept(evaluation=e, actor=request.user),
        _("The request was accepted."),
    )


@require_POST
@require_perm(Perm.MANAGE_EVALUATIONS)
def decline(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _invalid(request, pk, form)
    reason = form.cleaned_data["reason"]
    return _step(
        request,
        pk,
        lambda e: workflow.do_decline(evaluation=e, reason=reason, actor=request.user),
        _("The request was declined."),
    )


@require_POST
@require_perm(Perm.MANAGE_EVALUATIONS)
def assign(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    form = AssignForm(request.POST)
    if not form.is_valid():
        return _invalid(request, pk, form)
    evaluator = form.cleaned_data["evaluator"]
    return _step(
        request,
        pk,
        lambda e: workflow.do_assign(evaluation=e, evaluator=evaluator, actor=request.user),
        _("The evaluator was assigned."),
    )


def _entries(request: AuthedHttpRequest, evaluation: Evaluation) -> list[scores.ScoreEntry]:
    entries = []
    for item in evaluation.items.all():
        value = request.POST.get(f"value_{item.pk}", "")
        if not value:
            continue
        upload = request.FILES.get(f"file_{item.pk}")
        if upload is not None and (upload.size or 0) > settings.EVALUATION_FILE_MAX_BYTES:
            raise EvaluationError(
                EvaluationErrorCode.FILE_TOO_LARGE,
                _("The file is too big: at most %(limit)s MB.")
                % {"limit": settings.EVALUATION_FILE_MAX_BYTES // (1024 * 1024)},
            )
        document = request.POST.get(f"document_{item.pk}", "")
        entries.append(
            scores.ScoreEntry(
                item_id=item.pk,
                value=value,
                note=request.POST.get(f"note_{item.pk}", ""),
                document_id=int(document) if document.isdigit() else None,
                filename=(upload.name or "") if upload else "",
                data=upload.read() if upload else b"",
            )
        )
    return entries


@require_POST
@require_perm(Perm.EVALUATE_PRODUCTS)
def score(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    evaluation = selectors.access_evaluation(request.user, pk)
    try:
        entries = _entries(request, evaluation)
        saved = (
            scores.do_save_scores(evaluation=evaluation, entries=entries, actor=request.user)
            if entries
            else 0
        )
        if request.POST.get("finish"):
            scores.do_finish_scoring(evaluation=evaluation, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return render(
            request, "evaluations/staff_detail.html", _context(request, evaluation), status=400
        )
    if request.POST.get("finish"):
        messages.success(request, _("Your scoring is finished. Thank you."))
    else:
        messages.success(request, _("%(count)s scores saved.") % {"count": saved})
    return redirect("evaluations:detail", pk=pk)


@require_POST
@require_perm(Perm.MANAGE_EVALUATIONS)
def reconcile(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    form = ReconcileForm(request.POST)
    if not form.is_valid():
        return _invalid(request, pk, form)
    data = form.cleaned_data
    return _step(
        request,
        pk,
        lambda e: workflow.do_reconcile(
            evaluation=e,
            item_id=data["item"],
            value=data["value"],
            note=data["note"],
            actor=request.user,
        ),
        _("The difference was reconciled."),
    )


@require_POST
@require_perm(Perm.MANAGE_EVALUATIONS)
def decide(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda e: workflow.do_decide(evaluation=e, actor=request.user),
        _("The result was computed."),
    )


@require_POST
@require_perm(Perm.MANAGE_EVALUATIONS)
def publish(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _invalid(request, pk, form)
    data = form.cleaned_data
    return _step(
        request,
        pk,
        lambda e: workflow.do_publish(
            evaluation=e,
            expires_on=data["expires_on"],
            summary_vi=data["summary_vi"],
            summary_en=data["summary_en"],
            actor=request.user,
        ),
        _("The result is published in the catalogue."),
    )


@require_POST
@require_perm(Perm.MANAGE_EVALUATIONS)
def return_to_vendor(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    form = FindingsForm(request.POST)
    if not form.is_valid():
        return _invalid(request, pk, form)
    findings = form.cleaned_data["findings"]
    return _step(
        request,
        pk,
        lambda e: workflow.do_return(evaluation=e, findings=findings, actor=request.user),
        _("The evaluation was returned to the vendor with the findings."),
    )


@require_POST
@require_perm(Perm.MANAGE_EVALUATIONS)
def withdraw(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _invalid(request, pk, form)
    reason = form.cleaned_data["reason"]
    return _step(
        request,
        pk,
        lambda e: workflow.do_withdraw(evaluation=e, reason=reason, actor=request.user),
        _("The result was withdrawn from the catalogue."),
    )


@require_perm(Perm.VIEW_STAFF_AREA)
def report_pdf(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    evaluation = selectors.access_evaluation(request.user, pk)
    record_view(actor=request.user, target=evaluation)
    response = HttpResponse(pdf.evaluation_report(evaluation), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="copnet-{evaluation.reference}.pdf"'
    return response


@require_perm(Perm.VIEW_STAFF_AREA)
def document(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    stored = selectors.access_document(request.user, pk)
    record_view(actor=request.user, target=stored)
    return file_response(stored)


@require_perm(Perm.EVALUATE_PRODUCTS)
def evidence(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    stored = selectors.access_score_evidence(request.user, pk)
    record_view(actor=request.user, target=stored)
    return file_response(stored)
