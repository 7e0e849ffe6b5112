"""Staff pages: the exchanges with their last fetch and errors and the hotlines' endpoints
(coordinators), the analysts' verdict on a match that goes back to its source, and the
reports out with their delivery and notice-and-takedown times (scoped to the case's
organisations; opening one is audited)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copnet.accounts.decorators import require_perm
from copnet.accounts.permissions import Perm
from copnet.audit.services import record_view
from copnet.core.errors import add_to_form, show_message
from copnet.core.tasks import enqueue_on_commit

from . import selectors
from .choices import ForeignReportStatus
from .errors import ExchangeError, ReferralInvalid
from .feedback import do_record_verdict
from .forms import ExchangeForm, HotlineEndpointForm, ReferralForm, TrackForm, VerdictForm
from .hotlines import do_save_hotline_endpoint
from .models import Exchange, ForeignReport, HotlineEndpoint
from .referrals import MAX_BYTES, do_import_referral
from .reports_out import do_track_foreign_report, hotlines
from .services import do_save_exchange
from .tasks import fetch_exchange


@require_perm(Perm.MANAGE_EXCHANGES)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "exchanges/index.html", {"exchanges": selectors.exchanges_overview()})


@require_perm(Perm.MANAGE_EXCHANGES)
def detail(request: HttpRequest, name: str) -> HttpResponse:
    exchange = get_object_or_404(Exchange.objects.select_related("bank"), name=name)
    return render(
        request,
        "exchanges/detail.html",
        {"exchange": exchange, "runs": selectors.recent_runs(exchange)},
    )


@require_perm(Perm.MANAGE_EXCHANGES)
def edit(request: HttpRequest, name: str | None = None) -> HttpResponse:
    exchange = get_object_or_404(Exchange, name=name) if name else None
    initial = {}
    if exchange:
        initial = {
            f: getattr(exchange, f)
            for f in (
                "name",
                "kind",
                "endpoint",
                "legal_ground",
                "transfer_assessment_ref",
                "fetch_every_minutes",
                "is_active",
                "sends_feedback",
                "accepts_submissions",
            )
        }
    form = ExchangeForm(request.POST or None, initial=initial)
    if exchange:
        form.fields["name"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            saved = do_save_exchange(data=form.to_input(), actor=request.user, exchange=exchange)
        except ExchangeError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The exchange is saved."))
            return redirect("exchanges:detail", name=saved.name)
    return render(request, "exchanges/edit.html", {"form": form, "exchange": exchange})


@require_POST
@require_perm(Perm.MANAGE_EXCHANGES)
def fetch_now(request: HttpRequest, name: str) -> HttpResponse:
    exchange = get_object_or_404(Exchange, name=name, is_active=True)
    enqueue_on_commit(fetch_exchange, exchange.pk)
    messages.success(request, _("A fetch is queued."))
    return redirect("exchanges:detail", name=exchange.name)


@require_POST
@require_perm(Perm.MANAGE_BANKS)
def verdict(request: HttpRequest, hit_id: int) -> HttpResponse:
    form = VerdictForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        do_record_verdict(hit_id=hit_id, verdict=form.cleaned_data["verdict"], actor=request.user)
    except ExchangeError as error:
        show_message(request, error)
    else:
        messages.success(request, _("Your verdict is recorded and will be sent to the source."))
    return redirect("banks:hits")


@require_perm(Perm.IMPORT_REFERRALS)
def referral_import(request: HttpRequest) -> HttpResponse:
    """Upload one CyberTipline report file; every fault is listed with its line."""
    form = ReferralForm(request.POST or None, request.FILES or None)
    faults: list[tuple[int, str]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_BYTES:
                raise ReferralInvalid([(1, _("The file is larger than 5 MB."))])
            referral = do_import_referral(body=upload.read(), actor=request.user)
        except ReferralInvalid as error:
            faults = error.errors
        except ExchangeError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The referral is imported as a new case."))
            return redirect("cases:detail", referral.case.reference)
    return render(request, "exchanges/referral_import.html", {"form": form, "faults": faults})


@require_perm(Perm.VIEW_CASES)
def reports_out(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    rows = selectors.reports_out_for(request.user, status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "exchanges/reports_out.html",
        {"page": page, "status": status, "statuses": ForeignReportStatus.choices},
    )


@require_perm(Perm.VIEW_CASES)
def report_out(request: HttpRequest, pk: int) -> HttpResponse:
    """One report out: its address and payload (personal: audited), its delivery and times;
    people who work cases record the hotline's progress by hand when it has no endpoint."""
    report = ForeignReport.objects.access(request.user, pk=pk)
    form = TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_track_foreign_report(
                report_id=report.pk, status=form.cleaned_data["status"], actor=request.user
            )
        except ExchangeError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The hotline's progress is recorded."))
            return redirect("exchanges:report_out", pk=report.pk)
    record_view(actor=request.user, target=report)
    endpoint = HotlineEndpoint.objects.filter(code=report.hotline, is_active=True).first()
    names = {row["code"]: row["name"] for row in hotlines().values()}
    return render(
        request,
        "exchanges/report_out.html",
        {
            "report": report,
            "form": form,
            "has_endpoint": endpoint is not None,
            "hotline_name": names.get(report.hotline, report.hotline),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_perm(Perm.MANAGE_EXCHANGES)
def hotline_endpoints(request: HttpRequest) -> HttpResponse:
    names = {row["code"]: row["name"] for row in hotlines().values()}
    configured = {e.code: e for e in HotlineEndpoint.objects.all()}
    rows = [(code, name, configured.get(code)) for code, name in sorted(names.items())]
    return render(request, "exchanges/hotline_endpoints.html", {"rows": rows})


@require_perm(Perm.MANAGE_EXCHANGES)
def hotline_endpoint_edit(request: HttpRequest, code: str) -> HttpResponse:
    if code not in {row["code"] for row in hotlines().values()}:
        raise Http404
    existing = HotlineEndpoint.objects.filter(code=code).first()
    initial: dict[str, object] = {"code": code}
    if existing:
        initial.update(
            endpoint=existing.endpoint,
            legal_ground=existing.legal_ground,
            transfer_assessment_ref=existing.transfer_assessment_ref,
            is_active=existing.is_active,
        )
    form = HotlineEndpointForm(request.POST or None, initial=initial)
    form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            do_save_hotline_endpoint(data=form.to_input(), actor=request.user, existing=existing)
        except ExchangeError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The hotline's endpoint is saved."))
            return redirect("exchanges:hotline_endpoints")
    return render(request, "exchanges/hotline_endpoint_edit.html", {"form": form, "code": code})
