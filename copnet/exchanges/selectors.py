"""Reads of the exchanges app: the exchanges (coordinators only: no personal data), and the
reports out, scoped to the principal through `visible_to` (the case's organisations)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from .choices import FeedbackStatus, ForeignReportStatus
from .models import Exchange, FetchRun, ForeignReport


def exchanges_overview() -> QuerySet[Exchange]:
    return (
        Exchange.objects.select_related("bank")
        .annotate(
            entries=Count("bank__entries", distinct=True),
            feedback_waiting=Count(
                "feedback",
                filter=Q(feedback__status__in=[FeedbackStatus.QUEUED, FeedbackStatus.FAILED]),
                distinct=True,
            ),
        )
        .order_by("name")
    )


def recent_runs(exchange: Exchange, limit: int = 20) -> QuerySet[FetchRun]:
    return exchange.runs.all()[:limit]


def reports_out_for(principal: Any, status: str = "") -> QuerySet[ForeignReport]:
    """The reports out the principal may see, newest first; `status` filters when it is one."""
    rows = ForeignReport.objects.visible_to(principal).select_related("case")
    if status in ForeignReportStatus.values:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-id")
