from __future__ import annotations

import json

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from copnet.accounts.decorators import require_perm
from copnet.accounts.permissions import Perm, volunteer_facts
from copnet.accounts.principal import AuthedHttpRequest
from copnet.cases.choices import CaseStatus
from copnet.cases.workflow import PUBLIC_STATUS
from copnet.core.crypto import DecryptionError, decrypt_text, encrypt_text
from copnet.core.errors import add_to_form
from copnet.core.page_cache import public_page
from copnet.core.ratelimit import check_rate, check_rates, refused_page, wait_message
from copnet.taxonomy.guidance import advice_by_code, advice_for
from copnet.taxonomy.models import HarmCategory

from . import pending, receipt, services
from .choices import Channel
from .errors import IntakeError
from .forms import AddInformationForm, HotlineReportForm, ReportForm, StatusLookupForm
from .models import Report

SESSION_RECEIPT = "report_receipt"
# The receipt (tracking code and secret) waits in the session, encrypted, for the thanks page
# only; after this many seconds it is useless even if the session row lingers.
RECEIPT_SECONDS = 900
SESSION_STATUS = "report_status_id"


def _kept_ids(request: HttpRequest) -> set[int]:
    return {int(v) for v in request.POST.getlist("keep_upload") if v.isdigit() and len(v) < 12}


def _submit(request: HttpRequest, form: ReportForm, *, channel: str) -> Report | None:
    """Check and save the report; on any error, keep the pictures accepted so far
    (`reports.pending`) and put their token in `form.upload_token`."""
    token = pending.valid_token(request.POST.get("upload_token"))
    keep_ids = _kept_ids(request)
    report = _save(request, form, channel=channel, token=token, keep_ids=keep_ids)
    if report is None:
        form.upload_token = pending.keep(token, request.FILES.getlist("images"), keep_ids=keep_ids)
    return report


def _save(
    request: HttpRequest, form: ReportForm, *, channel: str, token: str, keep_ids: set[int]
) -> Report | None:
    if not form.is_valid():
        return None
    try:
        data = form.to_input()
        _rows, kept_images = pending.take(token, keep_ids)
        data.images = kept_images + data.images
        checked = services.check_report(data)
        with transaction.atomic():
            report, secret = services.submit_report(checked, channel=channel, actor=request.user)
            pending.discard(token)
    except IntakeError as exc:
        add_to_form(form, exc)
        return None
    receipt_data = {
        "code": report.tracking_code,
        "secret": secret,
        "in_danger": report.in_danger,
        "category": report.category.code,
    }
    request.session[SESSION_RECEIPT] = encrypt_text(json.dumps(receipt_data))
    return report


def _form_context(form: ReportForm, **extra: object) -> dict[str, object]:
    token = form.upload_token
    categories = list(HarmCategory.objects.filter(is_active=True).prefetch_related("courses"))
    return {
        "form": form,
        "categories": categories,
        "advice": advice_by_code(categories),
        "upload_token": token,
        "kept_uploads": pending.pending(token) if token else [],
        **extra,
    }


@public_page
def public_report(request: HttpRequest) -> HttpResponse:
    wait = check_rate(request, "report") if request.method == "POST" else 0
    form = ReportForm(request.POST or None, request.FILES or None)
    if wait:  # refused before anything is checked or stored; what was typed is shown again
        form.add_error(None, wait_message(wait))
        form.upload_token = pending.valid_token(request.POST.get("upload_token"))
        context = _form_context(form, title=_("Report harm to a child online"), public=True)
        return refused_page(request, "reports/report_form.html", context, wait)
    if request.method == "POST" and _submit(request, form, channel=Channel.WEB):
        return redirect("reports:thanks")
    context = _form_context(form, title=_("Report harm to a child online"), public=True)
    return render(request, "reports/report_form.html", context)


@never_cache
def thanks(request: HttpRequest) -> HttpResponse:
    token = request.session.pop(SESSION_RECEIPT, None)
    try:
        receipt_data = json.loads(decrypt_text(token, ttl=RECEIPT_SECONDS))
    except (DecryptionError, TypeError, ValueError, AttributeError):
        return redirect("reports:status")
    code, secret = receipt_data["code"], receipt_data["secret"]
    category = HarmCategory.objects.filter(code=receipt_data.get("category", "")).first()
    context = {
        "receipt": receipt_data,
        "category": category,
        "advice": advice_for(category) if category else None,
        "status_url": receipt.status_url(code),
        "qr_code": receipt.qr_svg(receipt.status_url(code)),
        "qr_with_secret": receipt.qr_svg(receipt.status_url(code, secret)),
        "picture": receipt.receipt_png_data_url(code, secret),
    }
    return render(request, "reports/thanks.html", context)


@never_cache
def status(request: HttpRequest) -> HttpResponse:
    report = None
    initial = {"tracking_code": request.GET.get("code", "")[:20]}
    lookup = StatusLookupForm(request.POST or None, initial=initial)
    if request.method == "POST":
        code = request.POST.get("tracking_code", "").strip().upper()[:16]
        wait = check_rates(request, ("status", None), *([("status-code", code)] if code else []))
        if wait:
            lookup.add_error(None, wait_message(wait))
            return refused_page(request, "reports/status.html", {"form": lookup}, wait)
        if lookup.is_valid():
            report = services.find_report(
                lookup.cleaned_data["tracking_code"], lookup.cleaned_data["secret"]
            )
            if report is None:
                lookup.add_error(
                    None,
                    _(
                        "We could not find a report with this code and "
                        "secret. Check both and try again."
                    ),
                )
            else:
                request.session[SESSION_STATUS] = report.pk
                return redirect("reports:status_detail")
    return render(request, "reports/status.html", {"form": lookup})


@never_cache
def status_detail(request: HttpRequest) -> HttpResponse:
    report_id = request.session.get(SESSION_STATUS)
    report = services.proven_report(report_id)
    if report is None:
        return redirect("reports:status")
    wait = (
        check_rates(request, ("add-info", None), ("add-info-report", str(report.pk)))
        if request.method == "POST"
        else 0
    )
    form = AddInformationForm(request.POST or None, request.FILES or None)
    if wait:
        form.add_error(None, wait_message(wait))
    elif request.method == "POST" and form.is_valid():
        try:
            services.add_information(
                report,
                text=form.cleaned_data["text"],
                images=[f.read() for f in form.cleaned_data["images"]],
            )
        except IntakeError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Thank you. We have added this to your report."))
            return redirect("reports:status_detail")
    case = report.case
    context = {
        "report": report,
        "form": form,
        "public_status": PUBLIC_STATUS[CaseStatus(case.status)],
        # This report's own messages: never those written to another reporter of the case.
        "messages_to_reporter": services.messages_for(report),
        "advice": advice_for(report.category),
    }
    if wait:
        return refused_page(request, "reports/status_detail.html", context, wait)
    return render(request, "reports/status_detail.html", context)


@require_POST
def forget(request: HttpRequest) -> HttpResponse:
    """ "Forget this report on this device": the session no longer opens the status page (the
    page's script clears what the browser kept); the codes still work anywhere."""
    request.session.pop(SESSION_STATUS, None)
    request.session.pop(SESSION_RECEIPT, None)
    request.session.cycle_key()
    messages.info(request, _("This device has forgotten your report. Your codes still work."))
    return redirect("reports:status")


@require_perm(Perm.HOTLINE_INTAKE)
def hotline_report(request: AuthedHttpRequest) -> HttpResponse:
    form = HotlineReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and _submit(request, form, channel=Channel.HOTLINE):
        return redirect("reports:thanks")
    context = _form_context(form, title=_("Hotline 111: new report"), public=False)
    return render(request, "reports/report_form.html", context)


@require_perm(Perm.VOLUNTEER_REPORT)
def volunteer_report(request: AuthedHttpRequest) -> HttpResponse:
    """The full form, for volunteer accounts without a volunteer profile; volunteers of the
    network use their own short form, where they follow their reports' outcomes."""
    if volunteer_facts(request.user) is not None:
        return redirect("volunteers:report")
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and _submit(request, form, channel=Channel.VOLUNTEER):
        return redirect("reports:thanks")
    context = _form_context(form, title=_("Volunteer report"), public=False)
    return render(request, "reports/report_form.html", context)
