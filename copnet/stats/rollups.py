"""Incremental rollups: the dashboards read these small tables instead of scanning cases.

`refresh()` finds the months touched since the last run (new case events, new reports,
deadlines that passed unmet) and rebuilds exactly those months with GROUP BY queries over the
raw tables, in one transaction per month, then sums those detail rows into coarse grains
(no province/platform) that unfiltered dashboards read. `rebuild_all()` does every month (after a
bulk load).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Case as When_
from django.db.models import (
    Count,
    F,
    IntegerField,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Lower, Trim, TruncDate
from django.utils import timezone

from copnet.cases.models import Case, CaseEvent
from copnet.core.figures import percentile
from copnet.reports.models import Report

from .choices import Dim, Grain, Metric, OrgRole, Subject
from .geo import MERGED_INTO
from .models import DurationSummary, RefreshState, Rollup
from .periods import Period, add_months, aware, month_start, periods_covering
from .watermark import IdMark, advance

Support = Case.supporting_orgs.through


def province_expr(field: str) -> Any:
    """SQL that maps pre-2025 province codes onto the current unit."""
    return When_(
        *[When(**{f"{field}__in": olds}, then=Value(new)) for new, olds in MERGED_INTO.items()],
        default=F(field),
    )


def platform_expr(field: str) -> Any:
    return Lower(Trim(field))


def _one(condition: Q) -> Any:
    return Sum(When_(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()))


def case_measures(prefix: str, now: dt.datetime) -> dict[str, Any]:
    """Count, repeat content and deadline compliance of cases (`prefix` = path to the case)."""
    p = prefix

    def f(name: str) -> F:
        return F(f"{p}{name}")

    def deadline(done: str, due: str) -> tuple[Any, Any]:
        met = Q(**{f"{p}{done}__isnull": False, f"{p}{done}__lte": f(due)})
        missed = Q(**{f"{p}{done}__isnull": False, f"{p}{done}__gt": f(due)}) | Q(
            **{f"{p}{done}__isnull": True, f"{p}{due}__lt": now}
        )
        return _one(met), _one(missed)

    ack_met, ack_missed = deadline("acknowledged_at", "ack_due")
    action_met, action_missed = deadline("first_action_at", "action_due")
    close_met, close_missed = deadline("closed_at", "close_due")
    return {
        "n_": Count(f"{p}id" if p else "id"),
        "repeat_": _one(Q(**{f"{p}report_count__gt": 1})),
        "ack_met_": ack_met,
        "ack_missed_": ack_missed,
        "action_met_": action_met,
        "action_missed_": action_missed,
        "close_met_": close_met,
        "close_missed_": close_missed,
    }


# Which extra breakdowns are kept: age and status are properties of a case, channel and the
# child's gender of each report (a case joins reports from several channels).
CASE_DIMS = {
    Dim.BASE: None,
    Dim.AGE: "child_age_band",
    Dim.STATUS: "status",
    Dim.OUTCOME: "outcome",
}
REPORT_DIMS = {Dim.BASE: None, Dim.CHANNEL: "channel", Dim.GENDER: "child_gender"}


MEASURE_COLUMNS = [
    "n", "repeat", "ack_met", "ack_missed", "action_met", "action_missed", "close_met",
    "close_missed",
]  # fmt: skip


def _rows(
    queryset: QuerySet[Any],
    *,
    grain: str,
    subject: str,
    dim: str,
    org: str | None,
    role: str | None,
    keys: dict[str, Any],
    measures: dict[str, Any],
) -> int:
    """INSERT INTO the rollup table the GROUP BY `keys` of `queryset` (one SQL statement, the
    database does all the work); returns the number of rows written."""
    period_key = "period_" if grain == Grain.DAY else "month_"
    lead_field = keys["org_"].name
    role_expr = (
        Value(role)
        if role
        else When_(
            When(**{f"{lead_field}__isnull": True}, then=Value(OrgRole.NONE)),
            default=Value(OrgRole.LEAD),
        )
    )
    columns = {
        "grain_": ("grain", Value(grain)),
        "subject_": ("subject", Value(subject)),
        "dim_": ("dim", Value(dim)),
        "value_": ("value", keys.get("value_", Value(""))),
        "role_": ("org_role", role_expr),
        period_key: ("period", keys[period_key]),
        "org_": ("org_id", keys["org_"]),
        "category_": ("category_id", keys["category_"]),
        "province_": ("province", keys["province_"]),
        "platform_": ("platform", keys["platform_"]),
    }
    sums = {f"{name}_": measures.get(f"{name}_", Min(Value(0))) for name in MEASURE_COLUMNS}
    grouped = (
        queryset.order_by()
        .annotate(**{alias: expr for alias, (_col, expr) in columns.items()})
        .values(*columns)
        .annotate(**sums)
    )
    names = list(grouped.query.annotation_select)
    targets = {alias: col for alias, (col, _expr) in columns.items()}
    targets.update({f"{name}_": name for name in MEASURE_COLUMNS})
    sql, params = grouped.query.sql_with_params()
    quote = connection.ops.quote_name
    into = ", ".join(quote(targets[name]) for name in names)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(Rollup._meta.db_table)} ({into}) {sql}", params)  # noqa: S608
        return cursor.rowcount


def _month_rows(month: dt.date, now: dt.datetime) -> int:
    written = 0
    start, end = aware(month), aware(add_months(month, 1))
    tz = timezone.get_current_timezone()
    cases = Case.objects.filter(created_at__gte=start, created_at__lt=end)
    support = Support.objects.filter(case__created_at__gte=start, case__created_at__lt=end).filter(
        Q(case__lead_org__isnull=True) | ~Q(organisation_id=F("case__lead_org_id"))
    )
    for dim, field in CASE_DIMS.items():
        keys = {
            "month_": Value(month),
            "category_": F("category_id"),
            "province_": province_expr("province"),
            "platform_": platform_expr("platform"),
            "org_": F("lead_org_id"),
        }
        if field:
            keys["value_"] = F(field)
        common = {"grain": Grain.MONTH, "subject": Subject.CASE, "dim": dim}
        written += _rows(
            cases, org="lead", role=None, keys=keys, measures=case_measures("", now), **common
        )
        support_keys = {
            "month_": Value(month),
            "category_": F("case__category_id"),
            "province_": province_expr("case__province"),
            "platform_": platform_expr("case__platform"),
            "org_": F("organisation_id"),
        }
        if field:
            support_keys["value_"] = F(f"case__{field}")
        written += _rows(
            support,
            org="support",
            role=OrgRole.SUPPORT,
            keys=support_keys,
            measures=case_measures("case__", now),
            **common,
        )
    reports = Report.objects.filter(created_at__gte=start, created_at__lt=end)
    report_support = Support.objects.filter(
        case__reports__created_at__gte=start, case__reports__created_at__lt=end
    ).filter(Q(case__lead_org__isnull=True) | ~Q(organisation_id=F("case__lead_org_id")))
    for dim, field in REPORT_DIMS.items():
        keys = {
            "month_": Value(month),
            "category_": F("category_id"),
            "province_": province_expr("province"),
            "platform_": platform_expr("platform"),
            "org_": F("case__lead_org_id"),
        }
        if field:
            keys["value_"] = F(field)
        common = {"grain": Grain.MONTH, "subject": Subject.REPORT, "dim": dim}
        written += _rows(
            reports, org="lead", role=None, keys=keys, measures={"n_": Count("id")}, **common
        )
        support_keys = {
            "month_": Value(month),
            "category_": F("case__reports__category_id"),
            "province_": province_expr("case__reports__province"),
            "platform_": platform_expr("case__reports__platform"),
            "org_": F("organisation_id"),
        }
        if field:
            support_keys["value_"] = F(f"case__reports__{field}")
        written += _rows(
            report_support,
            org="support",
            role=OrgRole.SUPPORT,
            keys=support_keys,
            measures={"n_": Count("case__reports__id")},
            **common,
        )
    # Daily counts (no extra dimension) for weekly trends.
    for subject, queryset, support_qs, prefix in (
        (Subject.CASE, cases, support, "case__"),
        (Subject.REPORT, reports, report_support, "case__reports__"),
    ):
        keys = {
            "period_": TruncDate("created_at", tzinfo=tz),
            "category_": F("category_id"),
            "province_": province_expr("province"),
            "platform_": platform_expr("platform"),
            "org_": F("lead_org_id" if subject == Subject.CASE else "case__lead_org_id"),
        }
        common = {"grain": Grain.DAY, "subject": subject, "dim": Dim.BASE}
        written += _rows(
            queryset, org="lead", role=None, keys=keys, measures={"n_": Count("id")}, **common
        )
        support_keys = {
            "period_": TruncDate(f"{prefix}created_at", tzinfo=tz),
            "category_": F(f"{prefix}category_id"),
            "province_": province_expr(f"{prefix}province"),
            "platform_": platform_expr(f"{prefix}platform"),
            "org_": F("organisation_id"),
        }
        written += _rows(
            support_qs,
            org="support",
            role=OrgRole.SUPPORT,
            keys=support_keys,
            measures={"n_": Count(f"{prefix}id")},
            **common,
        )

    return written


METRIC_FIELDS = {
    Metric.TRIAGE: "triaged_at",
    Metric.ACK: "acknowledged_at",
    Metric.ACTION: "first_action_at",
    Metric.CLOSE: "closed_at",
}


def durations(cases: QuerySet[Case]) -> dict[str, list[float]]:
    """Hours from opening to triage, first action and closing of the cases that got there."""
    found: dict[str, list[float]] = {metric: [] for metric in METRIC_FIELDS}
    fields = ["created_at", *METRIC_FIELDS.values()]
    for row in cases.values_list(*fields).iterator(chunk_size=5000):
        created = row[0]
        for metric, at in zip(METRIC_FIELDS, row[1:], strict=True):
            if at is not None:
                found[metric].append((at - created).total_seconds() / 3600)
    return found


def summarise(hours: list[float]) -> tuple[int, float | None, float | None]:
    return len(hours), percentile(hours, 0.5), percentile(hours, 0.9)


def _duration_rows(period: Period) -> list[DurationSummary]:
    start, end = aware(period.start), aware(period.end)
    cases = Case.objects.filter(created_at__gte=start, created_at__lt=end)
    fields = ["id", "lead_org_id", "created_at", "outcome", *METRIC_FIELDS.values()]
    orgs_of: dict[int, set[int]] = defaultdict(set)
    rows = list(cases.values_list(*fields).iterator(chunk_size=5000))
    for row in rows:
        if row[1]:
            orgs_of[row[0]].add(row[1])
    for case_id, org_id in Support.objects.filter(
        case__created_at__gte=start, case__created_at__lt=end
    ).values_list("case_id", "organisation_id"):
        orgs_of[case_id].add(org_id)
    values: dict[tuple[int | None, str, str], list[float]] = defaultdict(list)
    for row in rows:
        for metric, at in zip(METRIC_FIELDS, row[4:], strict=True):
            if at is None:
                continue
            hours = (at - row[2]).total_seconds() / 3600
            # Time to close once overall and once for the outcome the case closed with.
            keys = [(metric, "")] + (
                [(metric, row[3])] if metric == Metric.CLOSE and row[3] else []
            )
            for key in keys:
                values[(None, *key)].append(hours)
                for org_id in orgs_of.get(row[0], ()):
                    values[(org_id, *key)].append(hours)
    out = []
    for (org, measured, outcome), hours in values.items():
        n, p50, p90 = summarise(hours)
        out.append(
            DurationSummary(
                period_kind=period.kind,
                period_start=period.start,
                org_id=org,
                metric=measured,
                outcome=outcome,
                n=n,
                p50_hours=p50,
                p90_hours=p90,
            )
        )
    return out


# Coarse grains, derived from one month's detail rows: (grain, source grain, column kept of
# province/platform). They keep organisation, role and category (scoping and the category
# filter), so every dashboard without a province or platform filter reads them instead.
COARSE_GRAINS = [
    (Grain.DAY_ALL, Grain.DAY, ""),
    (Grain.MONTH_ALL, Grain.MONTH, ""),
    (Grain.MONTH_PROVINCE, Grain.MONTH, "province"),
    (Grain.MONTH_PLATFORM, Grain.MONTH, "platform"),
]


def _coarse_rows(month: dt.date) -> int:
    """INSERT the coarse grains of one month, summed from its detail rows (portable SQL)."""
    quote = connection.ops.quote_name
    table = quote(Rollup._meta.db_table)
    keys = ", ".join(
        quote(c) for c in ("period", "subject", "dim", "value", "org_id", "org_role", "category_id")
    )
    measures = ", ".join(quote(m) for m in MEASURE_COLUMNS)
    sums = ", ".join(f"SUM({quote(m)})" for m in MEASURE_COLUMNS)
    written = 0
    with connection.cursor() as cursor:
        for grain, source, kept in COARSE_GRAINS:
            province = quote("province") if kept == "province" else "''"
            platform = quote("platform") if kept == "platform" else "''"
            group = keys + (f", {quote(kept)}" if kept else "")
            # Daily rows and the province and platform breakdowns have no extra dimension; one
            # statement per dimension lets the database use the (grain, dim, period) index.
            dims = Dim.values if grain == Grain.MONTH_ALL else [Dim.BASE]
            for dim in dims:
                cursor.execute(
                    f"INSERT INTO {table} (grain, {keys}, province, platform, {measures}) "  # noqa: S608
                    f"SELECT %s, {keys}, {province}, {platform}, {sums} FROM {table} "
                    f"WHERE grain = %s AND {quote('dim')} = %s AND period >= %s AND period < %s "
                    f"GROUP BY {group}",
                    [grain, source, dim, month, add_months(month, 1)],
                )
                written += cursor.rowcount
    return written


def rebuild_month(month: dt.date, now: dt.datetime | None = None) -> int:
    """Replace one month's rollup rows with fresh GROUP BY results; returns rows written."""
    month = month_start(month)
    now = now or timezone.now()
    with transaction.atomic():
        Rollup.objects.filter(period__gte=month, period__lt=add_months(month, 1)).delete()
        return _month_rows(month, now) + _coarse_rows(month)


def rebuild_durations(periods: Iterable[Period]) -> None:
    for period in periods:
        with transaction.atomic():
            DurationSummary.objects.filter(
                period_kind=period.kind, period_start=period.start
            ).delete()
            DurationSummary.objects.bulk_create(_duration_rows(period))


def _state() -> RefreshState:
    state, _created = RefreshState.objects.get_or_create(pk=1)
    return state


def _months_of(cases: QuerySet[Case]) -> set[dt.date]:
    tz = timezone.get_current_timezone()
    days = cases.annotate(day=TruncDate("created_at", tzinfo=tz)).values_list("day", flat=True)
    return {month_start(day) for day in days.distinct()}


def _advance(state: RefreshState, now: dt.datetime) -> tuple[Q, IdMark, Q, IdMark]:
    """New case events and reports since the last refresh, with the marks to store after.

    Not "ids above the highest seen": on PostgreSQL an event or report can commit after one
    with a higher id was read, and would never count (see `watermark.py`)."""
    events = IdMark.load(state.last_event_id, state.event_gaps)
    reports = IdMark.load(state.last_report_id, state.report_gaps)
    event_q, events = advance(CaseEvent.objects.all(), events, "at", now)
    report_q, reports = advance(Report.objects.all(), reports, "created_at", now)
    return event_q, events, report_q, reports


def _store(state: RefreshState, events: IdMark, reports: IdMark) -> None:
    state.last_event_id, state.event_gaps = events.high, events.gaps_json()
    state.last_report_id, state.report_gaps = reports.high, reports.gaps_json()


def touched_months(state: RefreshState, now: dt.datetime) -> tuple[set[dt.date], IdMark, IdMark]:
    """Months whose figures may have changed since the last refresh, and the new marks."""
    event_q, event_mark, report_q, report_mark = _advance(state, now)
    events = CaseEvent.objects.filter(event_q)
    reports = Report.objects.filter(report_q)
    months = _months_of(Case.objects.filter(id__in=events.values("case_id")))
    tz = timezone.get_current_timezone()
    months |= {
        month_start(day)
        for day in reports.annotate(day=TruncDate("created_at", tzinfo=tz))
        .values_list("day", flat=True)
        .distinct()
    }
    if state.refreshed_at:
        # A deadline that passed unmet turns a case's "pending" into "missed" with no event.
        since = Q()
        for done, due in (
            ("acknowledged_at", "ack_due"),
            ("first_action_at", "action_due"),
            ("closed_at", "close_due"),
        ):
            since |= Q(
                **{f"{done}__isnull": True, f"{due}__gt": state.refreshed_at, f"{due}__lte": now}
            )
        months |= _months_of(Case.objects.filter(since))
    return months, event_mark, report_mark


def refresh(now: dt.datetime | None = None) -> list[dt.date]:
    """Rebuild the months touched since the last refresh; safe to run twice or concurrently
    (the state row is locked, so two workers never rebuild the same data at once)."""
    now = now or timezone.now()
    with transaction.atomic():
        state = RefreshState.objects.select_for_update().filter(pk=_state().pk).get()
        months, events, reports = touched_months(state, now)
        for month in sorted(months):
            rebuild_month(month, now)
        rebuild_durations({p for month in months for p in periods_covering(month)})
        _store(state, events, reports)
        state.refreshed_at = now
        state.save()
    return sorted(months)


def rebuild_all(now: dt.datetime | None = None) -> int:
    """Every month from the first case to now (after a bulk load or a change of definitions)."""
    now = now or timezone.now()
    bounds = Case.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
    with transaction.atomic():
        state = RefreshState.objects.select_for_update().filter(pk=_state().pk).get()
        # Marks first: every row they count as read is then in what is rebuilt below.
        _event_q, events, _report_q, reports = _advance(state, now)
        Rollup.objects.all().delete()
        DurationSummary.objects.all().delete()
        months: list[dt.date] = []
        if bounds["first"]:
            month = month_start(timezone.localtime(bounds["first"]).date())
            last = month_start(timezone.localtime(max(bounds["last"], now)).date())
            while month <= last:
                months.append(month)
                month = add_months(month, 1)
        rows = sum(rebuild_month(month, now) for month in months)
        rebuild_durations({p for month in months for p in periods_covering(month)})
        _store(state, events, reports)
        state.refreshed_at = state.full_rebuild_at = now
        state.save()
    return rows


def freshness() -> dt.datetime | None:
    return RefreshState.objects.filter(pk=1).values_list("refreshed_at", flat=True).first()
