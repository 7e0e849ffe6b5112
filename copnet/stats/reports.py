"""Periodic reports to the Steering Board: the dashboard's network-wide figures for one month,
quarter or year, as PDF (core.pdf) and XLSX (openpyxl), stored and listed."""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.http import Http404
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from copnet.accounts.permissions import Perm, has_perm
from copnet.audit.choices import AuditAction
from copnet.audit.services import record
from copnet.core.exports import xlsx_append
from copnet.core.pdf import ReportPdf

from .choices import PeriodKind
from .models import PeriodicReport
from .periods import Period
from .selectors import Dashboard, Filters, dashboard

if TYPE_CHECKING:
    from copnet.accounts.models import User
    from copnet.accounts.principal import Principal

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def network_principal() -> User:
    """The Network as a whole, which the scheduled reports are computed for (never a request
    user): an unsaved superuser of no organisation, so every permission check lets it see all
    rows. It is never saved and never an audit actor."""
    from copnet.accounts.models import User

    return User(is_active=True, is_superuser=True, role="")


def definitions() -> list[tuple[str, str]]:
    case = _(
        "What the Network does about one harm; reports of the same content join one case. "
        "Counted in the period in which it was opened."
    )
    report = _(
        "One report received from any channel (web form, hotline 111, partner API, "
        "volunteer), counted when received."
    )
    repeat = _(
        "Cases that received more than one report (the same address or image reported again)."
    )
    deadlines = _(
        "Share of cases whose acknowledgement, first action or closing was done by its "
        "deadline, among cases where it was done or the deadline has passed."
    )
    handling = _(
        "Hours from the case being opened to triage, to the first action and to closing; "
        "median and 90th percentile of the cases opened in the period that reached that step."
    )
    province = _(
        "The 34 provinces and cities in force since 1 July 2025; places given with a former "
        "province are counted in the province it joined."
    )
    organisation = _("Cases count once, under their lead organisation (or 'no lead yet').")
    return [
        (_("Case"), case),
        (_("Report"), report),
        (_("Repeat content"), repeat),
        (_("Deadline compliance"), deadlines),
        (_("Handling time"), handling),
        (_("Province"), province),
        (_("Organisation"), organisation),
    ]


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{formats.number_format(value, 1)} %"


def _num(value: float | None) -> str:
    return "–" if value is None else formats.number_format(value, 1)


def summary_rows(board: Dashboard) -> list[tuple[str, Any, Any]]:
    t, p = board.totals, board.previous
    rows: list[tuple[str, Any, Any]] = [
        (_("Cases opened"), t["cases"], p["cases"]),
        (_("Reports received"), t["reports"], p["reports"]),
        (_("Cases with repeat content"), t["repeat_cases"], p["repeat_cases"]),
        (_("Acknowledged on time"), _pct(t["ack_rate"]), _pct(p["ack_rate"])),
        (_("First action on time"), _pct(t["action_rate"]), _pct(p["action_rate"])),
        (_("Closed on time"), _pct(t["close_rate"]), _pct(p["close_rate"])),
    ]
    rows += [(str(i.label), i.value, i.previous) for i in board.extra]
    return rows


def outcome_rows(board: Dashboard, text: bool = False) -> list[tuple[Any, ...]]:
    """The outcome groups and, under "no action", its reasons (indented)."""
    rows: list[tuple[Any, ...]] = []
    for o in board.outcomes:
        if o["n"] is None:
            rows.append((o["label"], _("not recorded yet"), "", "", ""))
            continue
        share = _pct(o["share"]) if text else o["share"]
        p50, p90 = (_num(o["p50"]), _num(o["p90"])) if text else (o["p50"], o["p90"])
        rows.append((o["label"], o["n"], share, p50, p90))
        for r in o["reasons"]:
            r50, r90 = (_num(r["p50"]), _num(r["p90"])) if text else (r["p50"], r["p90"])
            rows.append((f"   · {r['label']}", r["n"], "", r50, r90))
    return rows


def programme_rows(board: Dashboard, text: bool = True) -> list[tuple[Any, ...]]:
    status = {"on_track": _("target met"), "off_track": _("below target"), None: "–"}
    rows: list[tuple[Any, ...]] = []
    for i in board.programme:
        if text:
            unit = " %" if i["unit"] == "percent" else ""
            value = "–" if i["value"] is None else f"{i['value']}{unit}"
            target = _("monitored") if i["target"] is None else f"{i['target']}{unit}"
            if i["target"] is not None and i["target_period"] == "year":
                target += " / " + _("year")
        else:
            value, target = i["value"], i["target"]
        rows.append((i["label"], value, target, status[i["status"]]))
    return rows


def build_pdf(board: Dashboard, period: Period, as_of: str) -> bytes:
    title = _("Child online protection: report to the Steering Board, %(period)s") % {
        "period": period.slug
    }
    pdf = ReportPdf(title, footer=_("COPNet statistics · %(period)s") % {"period": period.slug})
    pdf.key_values(
        [
            (_("Period"), f"{period.start:%d/%m/%Y} – {period.last_day:%d/%m/%Y}"),
            (_("Data as of"), as_of),
            (_("Generated"), formats.date_format(timezone.localtime(), "DATETIME_FORMAT")),
        ]
    )
    pdf.heading(_("Key figures"))
    pdf.data_table(
        [_("Indicator"), _("This period"), _("Previous period")],
        [(label, now, before) for label, now, before in summary_rows(board)],
        col_widths=(90, 40, 40),
    )
    pdf.heading(_("Handling times (hours)"))
    pdf.data_table(
        [_("Step"), _("Cases"), _("Median"), _("90th percentile")],
        [(h["label"], h["n"], _num(h["p50"]), _num(h["p90"])) for h in board.handling],
        col_widths=(70, 30, 35, 35),
    )
    if board.programme:
        pdf.heading(_("Programme indicators against target"))
        pdf.data_table(
            [_("Indicator"), _("This period"), _("Target"), _("Against target")],
            programme_rows(board),
            col_widths=(80, 30, 30, 30),
        )
    pdf.heading(_("Outcomes and time to outcome"))
    pdf.data_table(
        [_("Outcome"), _("Cases"), _("Share"), _("Median hours"), _("90th percentile")],
        outcome_rows(board, text=True),
        col_widths=(70, 25, 25, 25, 25),
    )
    pdf.heading(_("Trend"))
    pdf.data_table(
        [_("Period"), _("Cases"), _("Reports"), _("Change")],
        [(s["label"], s["cases"], s["reports"], _pct(s["change"])) for s in board.series],
        col_widths=(50, 35, 35, 50),
    )
    for breakdown in board.breakdowns:
        pdf.heading(breakdown.title)
        pdf.data_table(
            [_("Value"), _("Number"), _("Share")],
            [(r["label"], r["n"], _pct(r["share"])) for r in breakdown.rows] or [("–", 0, "–")],
            col_widths=(100, 35, 35),
        )
    pdf.heading(_("Definitions"))
    for term, meaning in definitions():
        pdf.paragraph(f"{term}: {meaning}", size=9)
    return pdf.output_bytes()


def build_xlsx(board: Dashboard, period: Period, as_of: str) -> bytes:
    """Every row goes through core.exports.xlsx_append: labels come from reporters' text (an
    unknown platform), and none may become a live formula in the Board's spreadsheet."""
    book = Workbook()
    bold = Font(bold=True)
    sheet = book.active
    sheet.title = _("Summary")[:31]
    xlsx_append(sheet, [_("Period"), period.slug])
    xlsx_append(sheet, [_("From"), period.start])
    xlsx_append(sheet, [_("To"), period.last_day])
    xlsx_append(sheet, [_("Data as of"), as_of])
    xlsx_append(sheet, [])
    xlsx_append(sheet, [_("Indicator"), _("This period"), _("Previous period")])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for row in summary_rows(board):
        xlsx_append(sheet, list(row))
    xlsx_append(sheet, [])
    xlsx_append(sheet, [_("Step"), _("Cases"), _("Median hours"), _("90th percentile hours")])
    for h in board.handling:
        xlsx_append(sheet, [h["label"], h["n"], h["p50"], h["p90"]])
    sheet.column_dimensions["A"].width = 40
    if board.programme:
        programme = book.create_sheet(_("Programme")[:31])
        xlsx_append(programme, [_("Indicator"), _("This period"), _("Target"), _("Against target")])
        for row in programme_rows(board, text=False):
            xlsx_append(programme, list(row))
        xlsx_append(programme, [board.programme[0]["programme"]])
        programme.column_dimensions["A"].width = 60
    outcomes = book.create_sheet(_("Outcomes")[:31])
    xlsx_append(
        outcomes,
        [_("Outcome"), _("Cases"), _("Share %"), _("Median hours"), _("90th percentile hours")],
    )
    for row in outcome_rows(board):
        xlsx_append(outcomes, list(row))
    outcomes.column_dimensions["A"].width = 40
    trend = book.create_sheet(_("Trend")[:31])
    xlsx_append(trend, [_("Period"), _("Cases"), _("Reports"), _("Change %")])
    for s in board.series:
        xlsx_append(trend, [s["label"], s["cases"], s["reports"], s["change"]])
    for breakdown in board.breakdowns:
        tab = book.create_sheet(breakdown.key[:31])
        xlsx_append(tab, [breakdown.title])
        xlsx_append(tab, [_("Value"), _("Number"), _("Share %")])
        for r in breakdown.rows:
            xlsx_append(tab, [r["label"], r["n"], r["share"]])
        tab.column_dimensions["A"].width = 40
    terms = book.create_sheet(_("Definitions")[:31])
    for term, meaning in definitions():
        xlsx_append(terms, [term, meaning])
    terms.column_dimensions["A"].width = 28
    terms.column_dimensions["B"].width = 120
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def do_generate_report(
    *, period: Period, language: str = "vi", actor_id: int | None = None
) -> PeriodicReport:
    """Compute the period's figures and store the PDF and XLSX (replacing an earlier version
    of the same period and language)."""
    from copnet.accounts.models import User

    language = language if language in ("vi", "en") else "vi"
    with translation.override(language):
        board = dashboard(network_principal(), Filters(period=period))
        as_of = (
            formats.date_format(timezone.localtime(board.data_as_of), "DATETIME_FORMAT")
            if board.data_as_of
            else _("never refreshed")
        )
        pdf = build_pdf(board, period, as_of)
        xlsx = build_xlsx(board, period, as_of)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    with transaction.atomic():
        report, _created = PeriodicReport.objects.update_or_create(
            kind=period.kind,
            period_start=period.start,
            language=language,
            defaults={
                "period_end": period.last_day,
                "data_as_of": board.data_as_of,
                "generated_by": actor,
                "pdf": pdf,
                "xlsx": xlsx,
                "figures": {
                    "totals": board.totals,
                    "previous": board.previous,
                    "outcomes": board.outcomes,
                    "programme": board.programme,
                },
            },
        )
        record(actor=actor, action=AuditAction.CREATE, target=report, reason="generated")
    return report


def generate_missing_reports(today: dt.date | None = None) -> int:
    """The last finished month, quarter and year, in Vietnamese, unless already generated."""
    today = today or timezone.localdate()
    made = 0
    for kind in PeriodKind.values:
        period = Period.containing(kind, today).previous()
        if not PeriodicReport.objects.filter(kind=kind, period_start=period.start).exists():
            do_generate_report(period=period)
            made += 1
    return made


def access_report(principal: Principal | None, pk: int, fmt: str) -> PeriodicReport:
    if fmt not in CONTENT_TYPES or not has_perm(principal, Perm.VIEW_BOARD_REPORTS):
        raise Http404
    try:
        return PeriodicReport.objects.get(pk=pk)
    except PeriodicReport.DoesNotExist as exc:
        raise Http404 from exc
