from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copnet.accounts.decorators import require_perm
from copnet.accounts.permissions import Perm, has_network_wide_scope, has_perm
from copnet.audit.choices import AuditAction
from copnet.audit.services import record
from copnet.core.exports import csv_writer
from copnet.core.http import HtmxHttpRequest
from copnet.core.tasks import enqueue_on_commit

from . import charts, selectors, transparency
from .choices import PeriodKind
from .forms import DashboardFilterForm, period_options
from .models import PeriodicReport, PublishedQuarter
from .periods import Period
from .reports import CONTENT_TYPES, access_report
from .tasks import generate_report, refresh_rollups


def _form(request: HttpRequest) -> DashboardFilterForm:
    return DashboardFilterForm(request.GET, network_wide=has_network_wide_scope(request.user))


def _chart_context(board: selectors.Dashboard, query: str) -> dict[str, Any]:
    by_key = {b.key: b for b in board.breakdowns}
    province = by_key["province"]
    drill = reverse("stats:cases") + "?" + (query + "&" if query else "")
    return {
        "series_chart": charts.line_chart(
            board.series, _("Cases and reports over time"), "c-series"
        ),
        "stacked_chart": charts.stacked_chart(
            board.series,
            list(board.series[0]["parts"]) if board.series else [],
            _("Cases by harm category over time"),
            "c-stacked",
        ),
        "map_chart": charts.province_map(
            {r["value"]: r["n"] for r in province.rows},
            _("Cases by province"),
            drill + "province=",
            "c-map",
        ),
        "bar_charts": [
            (b, charts.bar_chart(b.rows, b.title, f"c-{b.key}"))
            for b in board.breakdowns
            if b.key != "province"
        ],
        "province": province,
        "stacked_series": list(board.series[0]["parts"]) if board.series else [],
        "drill": drill,
    }


@require_perm(Perm.VIEW_STATS)
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    form = _form(request)
    context: dict[str, Any] = {
        "form": form,
        "period_options": {k: period_options(k, timezone.localdate()) for k in PeriodKind},
        "network_wide": has_network_wide_scope(request.user),
        "can_refresh": has_perm(request.user, Perm.VIEW_BOARD_REPORTS),
    }
    if form.is_valid():
        board = selectors.dashboard(request.user, form.filters())
        query = request.GET.copy()
        query.pop("trend", None)
        context.update({"board": board, **_chart_context(board, query.urlencode())})
        context["changes"] = {
            key: selectors.change(board.totals[key], board.previous[key])
            for key in ("cases", "reports", "repeat_cases")
        }
    status = 200 if form.is_valid() else 400
    template = "stats/_dashboard.html" if request.htmx else "stats/dashboard.html"
    return render(request, template, context, status=status)


DRILL_FIELDS = {
    "status": "status",
    "age": "child_age_band",
    "outcome": "outcome",
}


@require_perm(Perm.VIEW_CASES)
def drilldown(request: HttpRequest) -> HttpResponse:
    """The cases behind a figure: same filters as the dashboard, plus one breakdown value."""
    form = _form(request)
    cases = None
    page = None
    if form.is_valid():
        cases = selectors.live_cases(request.user, form.filters())
        for param, field in DRILL_FIELDS.items():
            if request.GET.get(param):
                cases = cases.filter(**{field: request.GET[param][:32]})
        if request.GET.get("organisation") == "none":
            cases = cases.filter(lead_org__isnull=True)
        cases = cases.select_related("category", "lead_org").order_by("-created_at")
        page = Paginator(cases, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "stats/drilldown.html",
        {"form": form, "page": page, "query": query.urlencode()},
        status=200 if form.is_valid() else 400,
    )


@require_POST
@require_perm(Perm.VIEW_BOARD_REPORTS)
def refresh_now(request: HttpRequest) -> HttpResponse:
    enqueue_on_commit(refresh_rollups)
    messages.success(request, _("The figures will be refreshed in the background."))
    return redirect("stats:dashboard")


@require_perm(Perm.VIEW_BOARD_REPORTS)
def report_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        text = request.POST.get("period", "")
        try:
            period = Period.parse(kind, text)
        except (ValueError, TypeError):
            messages.error(
                request,
                _("Give the period as 2026, 2026-Q3 or 2026-07, matching the kind of period."),
            )
        else:
            enqueue_on_commit(
                generate_report, kind, period.slug, get_language() or "vi", request.user.pk
            )
            messages.success(
                request, _("The report is being generated; it will appear in this list.")
            )
        return redirect("stats:reports")
    reports = PeriodicReport.objects.defer("pdf", "xlsx").select_related("generated_by")
    return render(
        request,
        "stats/reports.html",
        {
            "reports": reports,
            "kinds": PeriodKind.choices,
            "period_options": {
                k: period_options(k, timezone.localdate()) for k in PeriodKind.values
            },
        },
    )


@require_perm(Perm.VIEW_BOARD_REPORTS)
def report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = access_report(request.user, pk, fmt)
    record(actor=request.user, action=AuditAction.EXPORT, target=report, reason=fmt)
    body = bytes(report.pdf if fmt == "pdf" else report.xlsx)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    name = f"copnet-{report.kind}-{report.period_start:%Y-%m}-{report.language}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def transparency_page(request: HttpRequest) -> HttpResponse:
    """Public: published quarters only, small cells suppressed (see transparency.py)."""
    quarters = transparency.latest_quarters()
    by_slug = {q.data.get("period", ""): q for q in quarters}
    wanted = request.GET.get("quarter", "")[:10]
    chosen = by_slug.get(wanted) if wanted else (quarters[0] if quarters else None)
    return render(
        request,
        "stats/transparency.html",
        {
            "quarters": quarters,
            "chosen": chosen,
            "tables": transparency.display(chosen.data) if chosen else [],
            "threshold": transparency.THRESHOLD,
            "trend": [
                {
                    "period": q.data.get("period"),
                    "cases": q.data["totals"]["case"]["flag"] or q.data["totals"]["case"]["n"],
                    "reports": q.data["totals"]["report"]["flag"]
                    or q.data["totals"]["report"]["n"],
                }
                for q in quarters
            ],
            "not_found": bool(wanted) and chosen is None,
            "licence": transparency.licence_line(),
        },
        status=404 if wanted and chosen is None else 200,
    )


def transparency_data(request: HttpRequest, quarter: str, fmt: str) -> HttpResponse:
    """Public: one published quarter as CSV or JSON (stable schema, licence line)."""
    found = transparency.find_quarter(quarter[:10])
    if found is None or fmt not in ("csv", "json"):
        raise Http404
    name = f"copnet-transparency-{found.data['period']}.{fmt}"
    if fmt == "json":
        response = HttpResponse(
            json.dumps(transparency.export(found), ensure_ascii=False, indent=1),
            content_type="application/json; charset=utf-8",
        )
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")  # so that spreadsheets read the Vietnamese as UTF-8
        # Spreadsheet-safe cells: a platform's name is typed by staff.
        writer = csv_writer(response)
        writer.writerow(["# " + transparency.licence_line()])
        writer.writerow(transparency.CSV_COLUMNS)
        for row in transparency.export_rows(found):
            writer.writerow(row)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Link"] = f'<{transparency.LICENCE_URL}>; rel="license"'
    return response


class PublishedQuartersFeed(Feed):
    """Public Atom feed: one entry per published quarter, linking to its page and data."""

    feed_type = Atom1Feed

    def title(self) -> str:
        return _("COPNet transparency: published quarters")

    def subtitle(self) -> str:
        return transparency.licence_line()

    def link(self) -> str:
        return reverse("transparency")

    def items(self) -> list[PublishedQuarter]:
        return transparency.latest_quarters()[:40]

    def item_title(self, item: PublishedQuarter) -> str:
        return _("Quarter %(q)s") % {"q": item.data.get("period", "")}

    def item_description(self, item: PublishedQuarter) -> str:
        totals = item.data.get("totals", {})
        cases = totals.get("case", {})
        reports = totals.get("report", {})
        return _("Cases: %(c)s. Reports: %(r)s. Data: %(json)s") % {
            "c": cases.get("flag") or cases.get("n"),
            "r": reports.get("flag") or reports.get("n"),
            "json": reverse("transparency_data", args=[item.data.get("period", ""), "json"]),
        }

    def item_link(self, item: PublishedQuarter) -> str:
        return reverse("transparency") + f"?quarter={item.data.get('period', '')}"

    def item_pubdate(self, item: PublishedQuarter) -> dt.datetime:
        return item.published_at

    def item_updateddate(self, item: PublishedQuarter) -> dt.datetime:
        return item.published_at
