"""Public pages: a reporter makes a request about their report and reads the answers. The
tracking code and secret are the proof (`reports.services.find_report`); wrong pairs count
against the same limits as the status page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from copnet.audit.choices import AuditAction
from copnet.audit.services import record
from copnet.core.errors import add_to_form
from copnet.core.ratelimit import check_rates, refused_page, wait_message
from copnet.reports.services import find_report, proven_report

from . import selectors, services
from .errors import DataProtectionError
from .errors import DataProtectionErrorCode as E
from .export import export_zip
from .forms import SEE_ONLY, SubjectRequestForm

SESSION_REPORT = "privacy_report_id"


@never_cache
def request_form(request: HttpRequest) -> HttpResponse:
    form = SubjectRequestForm(request.POST or None)
    context = {"form": form}
    if request.method != "POST":
        return render(request, "dataprotection/request_form.html", context)
    code = request.POST.get("tracking_code", "").strip().upper()[:16]
    # The status page's counters: a guesser gets one budget for both pages.
    wait = check_rates(request, ("status", None), *([("status-code", code)] if code else []))
    if wait:
        form.add_error(None, wait_message(wait))
        return refused_page(request, "dataprotection/request_form.html", context, wait)
    if not form.is_valid():
        return render(request, "dataprotection/request_form.html", context)
    data = form.cleaned_data
    try:
        if data["kind"] == SEE_ONLY:
            report = find_report(data["tracking_code"], data["secret"])
            if report is None:
                raise DataProtectionError(E.NOT_FOUND)
        else:
            report = services.do_submit_request(
                tracking_code=data["tracking_code"],
                secret=data["secret"],
                kind=data["kind"],
                details=data["details"],
            ).report
    except DataProtectionError as exc:
        add_to_form(form, exc)
        return render(request, "dataprotection/request_form.html", context)
    request.session[SESSION_REPORT] = report.pk
    return redirect("privacy:mine")


@never_cache
def my_requests(request: HttpRequest) -> HttpResponse:
    report = proven_report(request.session.get(SESSION_REPORT))
    if report is None:
        return redirect("privacy:request")
    rows = selectors.requests_of(report)
    return render(
        request,
        "dataprotection/my_requests.html",
        {"requests": rows, "tracking_code": report.tracking_code},
    )


@never_cache
def my_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The export of an answered access request, to the visitor who proved the report."""
    report = proven_report(request.session.get(SESSION_REPORT))
    if report is None:
        return redirect("privacy:request")
    answered = selectors.answered_access(report, pk)
    if answered is None:
        raise Http404
    record(
        actor=None,
        action=AuditAction.EXPORT,
        target=answered,
        reason="data-subject export downloaded by the reporter",
    )
    response = HttpResponse(export_zip(report), content_type="application/zip")
    name = _("my-data")
    response["Content-Disposition"] = f'attachment; filename="{name}-{answered.number}.zip"'
    return response
