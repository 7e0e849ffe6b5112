"""Indicators for dashboards and reports, read from the rollups and scoped by permissions.

Network-wide principals (coordinators, the standing agency's analysts) see every case once (the
rollup rows of the lead organisation or "no lead yet"); everyone else sees the rows of their own
organisation, i.e. the cases it leads or supports, exactly as `cases_visible_to` would.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from copnet.accounts.permissions import has_network_wide_scope, visible_to
from copnet.banks.models import DetectionHit
from copnet.cases.choices import CaseStatus, Outcome
from copnet.cases.models import Case
from copnet.cases.selectors import cases_visible_to
from copnet.network.models import Organisation
from copnet.reports.choices import Channel, ChildGender
from copnet.taxonomy.choices import AgeBand
from copnet.taxonomy.models import HarmCategory

from .choices import (
    OUTCOME_GROUPS,
    Dim,
    Grain,
    Metric,
    OrgRole,
    OutcomeGroup,
    PeriodKind,
    Subject,
    TrendKind,
)
from .geo import MERGED_INTO, current_province
from .models import DurationSummary, Rollup
from .periods import Period, add_months, aware, week_start
from .rollups import METRIC_FIELDS, durations, freshness, platform_expr, summarise

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal

MEASURES = (
    "n",
    "repeat",
    "ack_met",
    "ack_missed",
    "action_met",
    "action_missed",
    "close_met",
    "close_missed",
)
KNOWN_PLATFORMS = {
    "facebook": "Facebook",
    "tiktok": "TikTok",
    "youtube": "YouTube",
    "zalo": "Zalo",
    "instagram": "Instagram",
    "telegram": "Telegram",
    "discord": "Discord",
    "roblox": "Roblox",
    "x": "X",
}


@dataclass(frozen=True)
class Filters:
    period: Period
    category: HarmCategory | None = None
    province: str = ""
    platform: str = ""
    organisation: Organisation | None = None
    trend: str = ""

    @property
    def narrows_cases(self) -> bool:
        """True when a filter beyond period and organisation applies."""
        return bool(self.category or self.province or self.platform)


@dataclass
class Breakdown:
    key: str
    title: str
    rows: list[dict[str, Any]]  # {"value", "label", "n", "share"}
    drill: str = ""  # the case-list parameter for drill-down, "" if none

    @property
    def total(self) -> int:
        return sum(row["n"] for row in self.rows)


@dataclass
class Indicator:
    """A figure from an extra source (detection hits today; removal requests when they come)."""

    key: str
    label: str
    value: int | float | None
    previous: int | float | None = None


@dataclass
class Dashboard:
    filters: Filters
    totals: dict[str, Any]
    previous: dict[str, Any]
    breakdowns: list[Breakdown]
    series: list[dict[str, Any]]
    handling: list[dict[str, Any]]
    extra: list[Indicator] = field(default_factory=list)
    data_as_of: dt.datetime | None = None
    partial: Partial | None = None
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    programme: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Partial:
    """A period still running: its figures are "to date" and are compared with the same number
    of days at the start of the previous period (month-to-date against the same days of the
    previous month), never with the whole previous period."""

    through: dt.date  # last day counted (today)
    days: int
    compare_start: dt.date
    compare_last: dt.date


def today() -> dt.date:
    return timezone.localdate()


def partial_period(period: Period, on: dt.date | None = None) -> Partial | None:
    on = on or today()
    if not period.start <= on < period.end:
        return None
    days = (on - period.start).days + 1
    previous = period.previous()
    last = min(previous.start + dt.timedelta(days=days - 1), previous.last_day)
    return Partial(through=on, days=days, compare_start=previous.start, compare_last=last)


def platform_label(key: str) -> str:
    return KNOWN_PLATFORMS.get(key, key) if key else _("Not given")


def scoped_rollups(principal: Principal | None, filters: Filters) -> QuerySet[Rollup]:
    rows = visible_to(principal, Rollup.objects.all())
    if has_network_wide_scope(principal):
        if filters.organisation:
            rows = rows.filter(org=filters.organisation)
        else:
            rows = rows.filter(org_role__in=[OrgRole.LEAD, OrgRole.NONE])
    if filters.category:
        rows = rows.filter(category=filters.category)
    if filters.province:
        rows = rows.filter(province=current_province(filters.province))
    if filters.platform:
        rows = rows.filter(platform=filters.platform.strip().lower())
    return rows


def _in(rows: QuerySet[Rollup], start: dt.date, end: dt.date) -> QuerySet[Rollup]:
    return rows.filter(period__gte=start, period__lt=end)


def _sums(rows: QuerySet[Rollup]) -> dict[str, int]:
    found = rows.aggregate(**{m: Sum(m) for m in MEASURES})
    return {m: found[m] or 0 for m in MEASURES}


def _rate(met: int, missed: int) -> float | None:
    return round(100 * met / (met + missed), 1) if met + missed else None


def uses_detail(filters: Filters) -> bool:
    """Province and platform filters need the detail rows; everything else reads the coarse
    grains (the same sums over far fewer rows, see `rollups.COARSE_GRAINS`)."""
    return bool(filters.province or filters.platform)


def totals(rows: QuerySet[Rollup], period: Period, detail: bool = True) -> dict[str, Any]:
    month = rows.filter(grain=Grain.MONTH if detail else Grain.MONTH_ALL, dim=Dim.BASE)
    cases = _sums(_in(month.filter(subject=Subject.CASE), period.start, period.end))
    reports = _sums(_in(month.filter(subject=Subject.REPORT), period.start, period.end))
    return {
        "cases": cases["n"],
        "reports": reports["n"],
        "repeat_cases": cases["repeat"],
        "repeat_share": round(100 * cases["repeat"] / cases["n"], 1) if cases["n"] else None,
        "ack_rate": _rate(cases["ack_met"], cases["ack_missed"]),
        "action_rate": _rate(cases["action_met"], cases["action_missed"]),
        "close_rate": _rate(cases["close_met"], cases["close_missed"]),
        **{f"case_{m}": cases[m] for m in MEASURES},
    }


def like_for_like(
    rows: QuerySet[Rollup], period: Period, partial: Partial, detail: bool = True
) -> dict[str, Any]:
    """The previous period's figures over the same days as the running period (daily rows:
    counts of cases and reports only; the rest has no like-for-like figure)."""
    previous = totals(rows, period.previous(), detail)
    daily = _in(
        rows.filter(grain=Grain.DAY if detail else Grain.DAY_ALL, dim=Dim.BASE),
        partial.compare_start,
        partial.compare_last + dt.timedelta(days=1),
    )
    found = {r["subject"]: r["total"] for r in daily.values("subject").annotate(total=Sum("n"))}
    previous.update(
        {
            "cases": found.get(Subject.CASE, 0),
            "reports": found.get(Subject.REPORT, 0),
            "repeat_cases": None,
            "repeat_share": None,
            "ack_rate": None,
            "action_rate": None,
            "close_rate": None,
        }
    )
    return previous


def change(current: float | None, previous: float | None) -> float | None:
    """Percentage change against the previous period (None when there is nothing to compare)."""
    if current is None or not previous:
        return None
    return round(100 * (current - previous) / previous, 1)


def _labels(key: str) -> Callable[[str], str]:
    if key == "category":
        names = {str(c.pk): c.name for c in HarmCategory.objects.all()}
        return lambda v: names.get(v, v)
    if key == "province":
        from copnet.core.provinces import province_name

        return lambda v: province_name(v) if v else _("Not given")
    if key == "platform":
        return platform_label
    if key == "org":
        names = {str(o.pk): o.abbreviation or o.code for o in Organisation.objects.all()}
        return lambda v: names.get(v, v) if v else _("No lead yet")
    by_dim: dict[str, dict[str, Any]] = {
        Dim.CHANNEL: dict(Channel.choices),
        Dim.AGE: dict(AgeBand.choices),
        Dim.GENDER: dict(ChildGender.choices),
        Dim.STATUS: dict(CaseStatus.choices),
        Dim.OUTCOME: dict(Outcome.choices),
    }
    choices = by_dim[key]
    if key == Dim.OUTCOME:
        return lambda v: str(choices.get(v, v)) if v else _("No outcome yet")
    return lambda v: str(choices.get(v, v)) if v else _("Not given")


BREAKDOWNS: list[tuple[str, str, str, Any, str]] = [
    # key, subject, dim, group field, drill-down parameter
    ("category", Subject.CASE, Dim.BASE, "category_id", "category"),
    ("province", Subject.CASE, Dim.BASE, "province", "province"),
    ("platform", Subject.CASE, Dim.BASE, "platform", "platform"),
    ("org", Subject.CASE, Dim.BASE, "org_id", "organisation"),
    (Dim.STATUS, Subject.CASE, Dim.STATUS, "value", "status"),
    (Dim.OUTCOME, Subject.CASE, Dim.OUTCOME, "value", "outcome"),
    (Dim.AGE, Subject.CASE, Dim.AGE, "value", "age"),
    (Dim.GENDER, Subject.REPORT, Dim.GENDER, "value", ""),
    (Dim.CHANNEL, Subject.REPORT, Dim.CHANNEL, "value", ""),
]


def breakdown_titles() -> dict[str, str]:
    return {
        "category": _("Cases by harm category"),
        "province": _("Cases by province"),
        "platform": _("Cases by platform"),
        "org": _("Cases by lead organisation"),
        Dim.STATUS: _("Cases by status"),
        Dim.OUTCOME: _("Cases by outcome"),
        Dim.AGE: _("Cases by child's age"),
        Dim.GENDER: _("Reports by child's gender"),
        Dim.CHANNEL: _("Reports by channel"),
    }


COARSE_BREAKDOWN_GRAINS = {"province": Grain.MONTH_PROVINCE, "platform": Grain.MONTH_PLATFORM}


def breakdowns(
    rows: QuerySet[Rollup], period: Period, network_wide: bool, detail: bool = True
) -> list[Breakdown]:
    out = []
    titles = breakdown_titles()
    for key, subject, dim, group, drill in BREAKDOWNS:
        if key == "org" and not network_wide:
            continue
        grain = Grain.MONTH if detail else COARSE_BREAKDOWN_GRAINS.get(key, Grain.MONTH_ALL)
        selected = _in(rows.filter(grain=grain, dim=dim, subject=subject), *_span(period))
        found = selected.values(group).annotate(total=Sum("n")).order_by("-total", group)
        label = _labels(key)
        codes = _codes(key)
        total = sum(r["total"] for r in found)
        out.append(
            Breakdown(
                key=key,
                title=titles[key],
                drill=drill,
                rows=[
                    {
                        "value": codes("" if r[group] is None else str(r[group])),
                        "label": label("" if r[group] is None else str(r[group])),
                        "n": r["total"],
                        "share": round(100 * r["total"] / total, 1) if total else 0,
                    }
                    for r in found
                    if r["total"]
                ],
            )
        )
    return out


def _codes(key: str) -> Callable[[str], str]:
    """The value a drill-down link carries (codes, not database ids)."""
    if key == "category":
        codes = {str(pk): code for pk, code in HarmCategory.objects.values_list("pk", "code")}
        return lambda v: codes.get(v, v)
    if key == "org":
        orgs = {str(pk): code for pk, code in Organisation.objects.values_list("pk", "code")}
        return lambda v: orgs.get(v, v) if v else "none"
    return lambda v: v


def _span(period: Period) -> tuple[dt.date, dt.date]:
    return period.start, period.end


def default_trend(period: Period) -> str:
    return TrendKind.MONTH if period.kind == PeriodKind.YEAR else TrendKind.WEEK


def series(
    rows: QuerySet[Rollup], period: Period, trend: str, detail: bool = True
) -> list[dict[str, Any]]:
    """Counts of cases and reports per bucket, ending with the selected period, each with the
    change against the bucket before it."""
    if trend == TrendKind.WEEK:
        first = week_start(period.start)
        start, end, step = first - dt.timedelta(weeks=1), period.end, "week"
        grain = Grain.DAY if detail else Grain.DAY_ALL
    else:
        months_of: dict[str, int] = {TrendKind.MONTH: 1, TrendKind.QUARTER: 3, TrendKind.YEAR: 12}
        months = months_of[trend]
        anchor = Period.containing(
            {1: PeriodKind.MONTH, 3: PeriodKind.QUARTER, 12: PeriodKind.YEAR}[months],
            period.last_day,
        )
        count = {1: 13, 3: 9, 12: 5}[months]
        start, end, step = add_months(anchor.start, -months * (count - 1)), anchor.end, trend
        grain = Grain.MONTH if detail else Grain.MONTH_ALL
    found = (
        _in(rows.filter(grain=grain, dim=Dim.BASE), start, end)
        .values("period", "subject", "category_id")
        .annotate(total=Sum("n"))
    )
    buckets: dict[dt.date, dict[str, int]] = {}
    by_category: dict[dt.date, dict[int, int]] = {}
    cursor = start
    while cursor < end:
        buckets[cursor] = {Subject.CASE: 0, Subject.REPORT: 0}
        by_category[cursor] = defaultdict(int)
        cursor = (
            cursor + dt.timedelta(weeks=1)
            if step == "week"
            else add_months(cursor, {"month": 1, "quarter": 3, "year": 12}[step])
        )
    on = today()
    keys = sorted(k for k in buckets if k <= on) or sorted(buckets)[:1]
    for row in found:
        if row["period"] > on:
            continue  # nothing is drawn for days still to come
        bucket = max(k for k in keys if k <= row["period"])
        buckets[bucket][row["subject"]] += row["total"]
        if row["subject"] == Subject.CASE:
            by_category[bucket][row["category_id"]] += row["total"]
    overall: dict[int, int] = defaultdict(int)
    for counts in by_category.values():
        for category_id, n in counts.items():
            overall[category_id] += n
    top = sorted(overall, key=lambda c: -overall[c])[:5]
    names = {c.pk: c.name for c in HarmCategory.objects.filter(pk__in=top)}
    out: list[dict[str, Any]] = []
    for index, key in enumerate(keys):
        cases = buckets[key][Subject.CASE]
        previous = buckets[keys[index - 1]][Subject.CASE] if index else None
        partial = _bucket_end(key, step) >= on  # today is not over yet
        parts = {names[c]: by_category[key].get(c, 0) for c in top}
        if len(overall) > len(top):
            parts[_("Other")] = cases - sum(parts.values())
        out.append(
            {
                "start": key,
                "label": _bucket_label(key, step),
                "cases": cases,
                "reports": buckets[key][Subject.REPORT],
                # A bucket still running is not compared with a whole one.
                "change": None if partial else change(cases, previous),
                "partial": partial,
                "parts": parts,
            }
        )
    return out[1:] if step == "week" else out


def _bucket_end(start: dt.date, step: str) -> dt.date:
    """Last day of the bucket that starts on `start`."""
    if step == "week":
        return start + dt.timedelta(days=6)
    return add_months(start, {"month": 1, "quarter": 3, "year": 12}[step]) - dt.timedelta(days=1)


def _bucket_label(start: dt.date, step: str) -> str:
    if step == "week":
        return f"{start:%d/%m}"
    if step == "quarter":
        return f"Q{(start.month - 1) // 3 + 1}/{start.year}"
    if step == "year":
        return str(start.year)
    return f"{start:%m/%Y}"


def live_cases(principal: Principal | None, filters: Filters) -> QuerySet[Case]:
    """The raw cases behind the figures (drill-down, and handling times under filters)."""
    period = filters.period
    cases = cases_visible_to(principal).filter(
        created_at__gte=aware(period.start), created_at__lt=aware(period.end)
    )
    if filters.organisation and has_network_wide_scope(principal):
        cases = cases.filter(
            Q(lead_org=filters.organisation) | Q(supporting_orgs=filters.organisation)
        ).distinct()
    if filters.category:
        cases = cases.filter(category=filters.category)
    if filters.province:
        code = current_province(filters.province)
        cases = cases.filter(province__in=[code, *MERGED_INTO.get(code, ())])
    if filters.platform:
        cases = cases.annotate(platform_key=platform_expr("platform")).filter(
            platform_key=filters.platform.strip().lower()
        )
    return cases


def live_percentiles(cases: QuerySet[Case]) -> dict[str, tuple[int, float | None, float | None]]:
    """`summarise(durations(cases))` computed by PostgreSQL's percentile_cont (the same linear
    interpolation), without fetching the cases."""
    quote = connection.ops.quote_name
    columns = cases.order_by().values("pk", "created_at", *METRIC_FIELDS.values())
    sql, params = columns.query.sql_with_params()
    parts = []
    for field_name in METRIC_FIELDS.values():
        hours = f"(EXTRACT(EPOCH FROM (c.{quote(field_name)} - c.created_at)) / 3600.0)::float8"
        parts += [
            f"COUNT(c.{quote(field_name)})",
            f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {hours})",
            f"percentile_cont(0.9) WITHIN GROUP (ORDER BY {hours})",
        ]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)} FROM ({sql}) c", params)  # noqa: S608
        row = cursor.fetchone()
    return {metric: tuple(row[3 * i : 3 * i + 3]) for i, metric in enumerate(METRIC_FIELDS)}


def _summaries(principal: Principal | None, filters: Filters) -> QuerySet[DurationSummary]:
    rows = visible_to(principal, DurationSummary.objects.all()).filter(
        period_kind=filters.period.kind, period_start=filters.period.start
    )
    if has_network_wide_scope(principal):
        rows = (
            rows.filter(org=filters.organisation)
            if filters.organisation
            else rows.filter(org__isnull=True)
        )
    return rows


def live_outcome_times(cases: QuerySet[Case]) -> dict[str, tuple[int, Any, Any]]:
    """Hours from opening to closing per outcome of the closed cases: (n, median, p90)."""
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        columns = cases.order_by().values("pk", "created_at", "closed_at", "outcome")
        sql, params = columns.query.sql_with_params()
        hours = "(EXTRACT(EPOCH FROM (c.closed_at - c.created_at)) / 3600.0)::float8"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT c.{quote('outcome')}, COUNT(*), "  # noqa: S608
                f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {hours}), "
                f"percentile_cont(0.9) WITHIN GROUP (ORDER BY {hours}) "
                f"FROM ({sql}) c WHERE c.closed_at IS NOT NULL GROUP BY c.{quote('outcome')}",
                params,
            )
            return {row[0]: (row[1], row[2], row[3]) for row in cursor.fetchall()}
    found: dict[str, list[float]] = defaultdict(list)
    rows = cases.filter(closed_at__isnull=False).values_list("outcome", "created_at", "closed_at")
    for outcome, created, closed in rows.iterator(chunk_size=5000):
        if closed is not None:  # always: closed cases only (narrows the type)
            found[outcome].append((closed - created).total_seconds() / 3600)
    return {outcome: summarise(hours) for outcome, hours in found.items()}


def _hours(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def outcomes(
    principal: Principal | None, filters: Filters, counts: Breakdown
) -> list[dict[str, Any]]:
    """What happened to the cases opened in the period, by outcome group, with the hours from
    opening to that outcome (median, 90th percentile); "no action" lists its reasons."""
    if filters.narrows_cases:
        times = live_outcome_times(live_cases(principal, filters))
    else:
        times = {
            r.outcome: (r.n, r.p50_hours, r.p90_hours)
            for r in _summaries(principal, filters).filter(metric=Metric.CLOSE).exclude(outcome="")
        }
    n_of = {row["value"]: row["n"] for row in counts.rows}
    total = sum(n_of.values())
    labels = dict(Outcome.choices)
    out = []
    for group, group_label in OutcomeGroup.choices:
        members = [value for value, g in OUTCOME_GROUPS.items() if g == group]
        n = sum(n_of.get(value, 0) for value in members)
        reasons = [
            {
                "value": value,
                "label": str(labels.get(value, value)),
                "n": n_of.get(value, 0),
                "p50": _hours(times.get(value, (0, None, None))[1]),
                "p90": _hours(times.get(value, (0, None, None))[2]),
            }
            for value in members
            if value
        ]
        single = reasons[0] if len(reasons) == 1 else None
        out.append(
            {
                "group": group,
                "label": str(group_label),
                "n": n if members else None,  # None: not recorded (prosecutions)
                "share": round(100 * n / total, 1) if total and members else None,
                "p50": single["p50"] if single else None,
                "p90": single["p90"] if single else None,
                "reasons": reasons if len(reasons) > 1 else [],
            }
        )
    return out


def handling(principal: Principal | None, filters: Filters) -> list[dict[str, Any]]:
    """Median and 90th percentile hours to triage, first action and close (cases opened in the
    period that reached the step). Precomputed per scope; computed live when filters narrow."""
    labels = dict(Metric.choices)
    if filters.narrows_cases and connection.vendor == "postgresql":
        summary = live_percentiles(live_cases(principal, filters))
    elif filters.narrows_cases:
        found = durations(live_cases(principal, filters))
        summary = {metric: summarise(hours) for metric, hours in found.items()}
    else:
        rows = _summaries(principal, filters).filter(outcome="")
        summary = {m: (0, None, None) for m in Metric.values}
        summary.update({r.metric: (r.n, r.p50_hours, r.p90_hours) for r in rows})
    return [
        {
            "metric": metric,
            "label": str(labels[metric]),
            "n": summary[metric][0],
            "p50": _hours(summary[metric][1]),
            "p90": _hours(summary[metric][2]),
        }
        for metric in Metric.values
    ]


def detection_hits(principal: Principal | None, filters: Filters) -> list[Indicator]:
    def count(period: Period) -> int:
        return DetectionHit.objects.filter(
            created_at__gte=aware(period.start),
            created_at__lt=aware(period.end),
            case__in=live_cases(principal, Filters(period, *_rest(filters))).values("pk"),
        ).count()

    return [
        Indicator(
            "detection_hits",
            _("Detection hits on evidence"),
            count(filters.period),
            count(filters.period.previous()),
        )
    ]


def _rest(filters: Filters) -> tuple[Any, ...]:
    return (filters.category, filters.province, filters.platform, filters.organisation)


# Extra indicator sources: functions (principal, filters) -> list[Indicator]. The takedowns app
# (removal requests) appends its own here when it lands, e.g. requests sent, removed within the
# legal 24/48 hours, median time to removal; dashboards and reports then show them unchanged.
INDICATOR_SOURCES: list[Callable[[Principal | None, Filters], list[Indicator]]] = [detection_hits]


def dashboard(principal: Principal | None, filters: Filters) -> Dashboard:
    rows = scoped_rollups(principal, filters)
    network_wide = has_network_wide_scope(principal)
    detail = uses_detail(filters)
    trend = filters.trend or default_trend(filters.period)
    extra = [item for source in INDICATOR_SOURCES for item in source(principal, filters)]
    partial = partial_period(filters.period)
    previous = (
        like_for_like(rows, filters.period, partial, detail)
        if partial
        else totals(rows, filters.period.previous(), detail)
    )
    found = breakdowns(rows, filters.period, network_wide, detail)
    by_outcome = next(b for b in found if b.key == Dim.OUTCOME)
    board = Dashboard(
        filters=filters,
        partial=partial,
        outcomes=outcomes(principal, filters, by_outcome),
        totals=totals(rows, filters.period, detail),
        previous=previous,
        breakdowns=found,
        series=series(rows, filters.period, trend, detail),
        handling=handling(principal, filters),
        extra=extra,
        data_as_of=freshness(),
    )
    if network_wide and not (filters.narrows_cases or filters.organisation):
        board.programme = programme_indicators(board)
    return board


def programme_indicators(board: Dashboard) -> list[dict[str, Any]]:
    """The programme's indicators for the Network (see programme.py)."""
    from .programme import indicators

    return indicators(board)


def platform_choices() -> list[tuple[str, str]]:
    """Platforms seen in the figures (cached: the list changes rarely and costs a scan)."""
    found = cache.get("stats:platforms")
    if found is None:
        found = list(
            Rollup.objects.filter(grain=Grain.MONTH_PLATFORM, dim=Dim.BASE)
            .exclude(platform="")
            .values_list("platform", flat=True)
            .distinct()[:200]
        )
        cache.set("stats:platforms", found, 600)
    return sorted(((key, platform_label(key)) for key in found), key=lambda kv: kv[1].lower())
