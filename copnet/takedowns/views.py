from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copnet.accounts.decorators import require_perm
from copnet.accounts.permissions import Perm, has_perm
from copnet.audit.services import record_view
from copnet.cases.selectors import access_case
from copnet.core.errors import after_post, run_then_redirect, show_message
from copnet.core.workflow import allowed_next, by_name

from . import selectors, services
from .choices import RequestStatus
from .errors import PlatformInvalid, TakedownError, TakedownErrorCode
from .forms import AnswerForm, CloseFollowUpForm, PlatformForm, QueueFilterForm, RequestForm
from .models import Platform
from .notices import notice_pdf, notice_text, site_is_public
from .workflow import REQUEST


@require_perm(Perm.VIEW_CASES)
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    rows = selectors.request_queue(request.user, status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "takedowns/queue.html",
        {
            "form": form,
            "page": page,
            "now": timezone.now(),
            "can_manage_platforms": has_perm(request.user, Perm.MANAGE_PLATFORMS),
        },
    )


@require_POST
@require_perm(Perm.REQUEST_REMOVALS)
def create(request: HttpRequest, reference: str) -> HttpResponse:
    case = access_case(request.user, reference)
    form = RequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the removal request form."))
        return redirect("cases:detail", reference=case.reference)
    data = form.cleaned_data
    try:
        removal = services.do_create_request(
            case=case,
            platform=data["platform"],
            urls=data["urls"].splitlines(),
            accounts=data["accounts"].splitlines(),
            legal_basis=data["legal_basis"],
            urgency=data["urgency"],
            actor=request.user,
        )
    except TakedownError as exc:
        show_message(request, exc)
        return redirect("cases:detail", reference=case.reference)
    messages.success(request, _("The draft request was created. Check the notice and send it."))
    return redirect("takedowns:detail", reference=removal.reference)


@require_perm(Perm.VIEW_CASES)
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    removal = selectors.access_request(request.user, reference)
    record_view(actor=request.user, target=removal)
    can_act = has_perm(request.user, Perm.REQUEST_REMOVALS)
    user = request.user
    allowed = allowed_next(REQUEST, removal.status, may=lambda perm: has_perm(user, Perm(perm)))
    answers = [t for t in allowed if t.name == "answer"]
    authority = removal.issuing_authority
    can_approve = (
        removal.approved_at is None
        and removal.status == RequestStatus.DRAFT
        and authority is not None
        and has_perm(user, Perm.APPROVE_REMOVALS)
        and getattr(user, "organisation_id", None) == authority.organisation_id
    )
    return render(
        request,
        "takedowns/detail.html",
        {
            "removal": removal,
            "items": removal.items.all(),
            "notice": removal.notice or notice_text(removal),
            "can_act": can_act,
            "actions": by_name(allowed),
            "answer_form": AnswerForm(answers=answers) if answers else None,
            "close_form": CloseFollowUpForm() if selectors.may_close_followup(removal) else None,
            "followups": selectors.followup_steps(removal),
            "site_is_public": site_is_public(),
            "can_approve": can_approve,
            "now": timezone.now(),
        },
    )


@require_perm(Perm.VIEW_CASES)
def notice_download(request: HttpRequest, reference: str) -> HttpResponse:
    removal = selectors.access_request(request.user, reference)
    record_view(actor=request.user, target=removal)
    response = HttpResponse(notice_pdf(removal), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{removal.reference}.pdf"'
    return response


def _run(request: HttpRequest, reference: str, call: Callable[[], object], ok: str) -> HttpResponse:
    return run_then_redirect(request, reverse("takedowns:detail", args=[reference]), call, ok)


@require_POST
@require_perm(Perm.REQUEST_REMOVALS)
def send(request: HttpRequest, reference: str) -> HttpResponse:
    removal = selectors.access_request(request.user, reference)
    return _run(
        request,
        reference,
        lambda: services.do_send_request(request=removal, actor=request.user),
        _("The request was sent."),
    )


@require_POST
@require_perm(Perm.APPROVE_REMOVALS)
def approve(request: HttpRequest, reference: str) -> HttpResponse:
    removal = selectors.access_request(request.user, reference)
    return _run(
        request,
        reference,
        lambda: services.do_approve_request(
            request=removal,
            actor=request.user,
            document_number=request.POST.get("document_number", ""),
        ),
        _("The request was approved and numbered."),
    )


@require_POST
@require_perm(Perm.REQUEST_REMOVALS)
def delivered(request: HttpRequest, reference: str) -> HttpResponse:
    removal = selectors.access_request(request.user, reference)
    return _run(
        request,
        reference,
        lambda: services.do_mark_delivered_manually(request=removal, actor=request.user),
        _("Recorded as delivered."),
    )


@require_POST
@require_perm(Perm.REQUEST_REMOVALS)
def answer(request: HttpRequest, reference: str) -> HttpResponse:
    removal = selectors.access_request(request.user, reference)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        invalid = TakedownError(TakedownErrorCode.INVALID, _("Check the answer form."))
        return after_post(request, reverse("takedowns:detail", args=[reference]), invalid)
    data = form.cleaned_data
    return _run(
        request,
        reference,
        lambda: services.do_record_answer(
            request=removal,
            status=data["status"],
            refusal_reason=data["refusal_reason"],
            note=data["note"],
            platform_ref=data["platform_ref"],
            actor=request.user,
        ),
        _("The platform's answer was recorded."),
    )


@require_POST
@require_perm(Perm.REQUEST_REMOVALS)
def close_followup(request: HttpRequest, reference: str) -> HttpResponse:
    removal = selectors.access_request(request.user, reference)
    form = CloseFollowUpForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _run(
        request,
        reference,
        lambda: services.do_close_followup(request=removal, actor=request.user, reason=reason),
        _("The follow-up was closed."),
    )


@require_POST
@require_perm(Perm.REQUEST_REMOVALS)
def check_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.access_item(request.user, pk)
    return _run(
        request,
        item.request.reference,
        lambda: services.do_check_item(item=item, actor=request.user),
        _("The address was checked."),
    )


@require_perm(Perm.VIEW_COMPLIANCE)
def compliance(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "takedowns/compliance.html",
        {"figures": selectors.compliance(), "platforms": Platform.objects.all()},
    )


@require_perm(Perm.MANAGE_PLATFORMS)
def platform_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "takedowns/platforms.html",
        {"platforms": selectors.platforms_overview(request.user)},
    )


@require_perm(Perm.MANAGE_PLATFORMS)
def platform_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    platform = selectors.access_platform(request.user, pk) if pk is not None else None
    form = PlatformForm(request.POST or None, platform=platform)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.do_save_platform(
                platform=platform, data=form.to_input(), actor=request.user
            )
        except PlatformInvalid as exc:
            for field, errors in exc.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("The platform was saved."))
            return redirect("takedowns:platform_edit", pk=saved.pk)
    return render(request, "takedowns/platform_form.html", {"form": form, "platform": platform})
