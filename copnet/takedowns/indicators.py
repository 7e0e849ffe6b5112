"""Removal-request figures for the statistics dashboards and reports (stats.INDICATOR_SOURCES)
and for the public transparency page (stats.transparency.PLATFORM_FIGURES).

Counted over the removal requests sent for the cases behind the figures (the dashboard's
period, filters and the viewer's organisation scope), so they agree with the case counts."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from copnet.core.figures import percentile
from copnet.stats.periods import Period, aware
from copnet.stats.selectors import Filters, Indicator, live_cases

from .choices import RequestStatus
from .models import Platform, RemovalRequest
from .selectors import compliance, renotices

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal


def _median(values: list[float]) -> float | None:
    median = percentile(values, 0.5)
    return None if median is None else round(median, 1)


_Figures = tuple[int, float | None, float | None, float | None, int]


def _figures(principal: Principal | None, filters: Filters) -> _Figures:
    """(sent, % removed in time, median hours to removal, median hours to the platform's first
    response, re-notices sent by the follow-up)."""
    rows = RemovalRequest.objects.filter(
        sent_at__isnull=False, case__in=live_cases(principal, filters).values("pk")
    ).only("status", "sent_at", "deadline", "acknowledged_at", "resolved_at", "renotice_count")
    sent, in_time, renotices = 0, 0, 0
    hours: list[float] = []
    first: list[float] = []
    for row in rows:
        if row.sent_at is None:  # never: the query asks for sent requests (narrows the type)
            continue
        sent += 1
        renotices += row.renotice_count
        if row.acknowledged_at is not None:
            first.append((row.acknowledged_at - row.sent_at).total_seconds() / 3600)
        if row.status == RequestStatus.REMOVED:
            in_time += int(row.removed_in_time)
            if row.resolved_at is not None:  # set with every answer (services.requests)
                hours.append((row.resolved_at - row.sent_at).total_seconds() / 3600)
    share = round(100 * in_time / sent, 1) if sent else None
    return sent, share, _median(hours), _median(first), renotices


def removal_indicators(principal: Principal | None, filters: Filters) -> list[Indicator]:
    now = _figures(principal, filters)
    before = _figures(principal, dataclasses.replace(filters, period=filters.period.previous()))
    return [
        Indicator("removal_requests", _("Removal requests sent to platforms"), now[0], before[0]),
        Indicator(
            "removed_within_deadline_pct",
            _("Removed within the legal deadline (percent of requests sent)"),
            now[1],
            before[1],
        ),
        Indicator(
            "median_hours_to_removal",
            _("Median hours to removal"),
            now[2],
            before[2],
        ),
        Indicator(
            "median_hours_to_first_response",
            _("Median hours to the platform's first response"),
            now[3],
            before[3],
        ),
        Indicator(
            "removal_renotices",
            _("Re-notices sent to platforms (content not yet removed)"),
            now[4],
            before[4],
        ),
    ]


def platform_figures(period: Period) -> tuple[dict[str, int], dict[str, dict[str, Any]]]:
    """For the public transparency page (`stats.transparency.PLATFORM_FIGURES`): requests sent
    per platform code in the quarter (every active platform listed, zero included) and the raw
    details: name, removed within deadline, median hours, re-notices."""
    since, until = aware(period.start), aware(period.end)
    figures = {f.platform.code: f for f in compliance(since=since, until=until)}
    again = renotices(since=since, until=until)
    platforms = {p.code: p for p in Platform.objects.filter(is_active=True)}
    platforms.update({code: f.platform for code, f in figures.items()})
    counts: dict[str, int] = {}
    details: dict[str, dict[str, Any]] = {}
    for code, platform in sorted(platforms.items(), key=lambda kv: kv[1].name.lower()):
        found = figures.get(code)
        counts[code] = found.sent if found else 0
        details[code] = {
            "name": platform.name,
            "in_time": found.removed_in_time if found else 0,
            "median_hours": found.median_hours if found else None,
            "renotices": again.get(platform.pk, 0),
        }
    return counts, details
