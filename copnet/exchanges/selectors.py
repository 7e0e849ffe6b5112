"""Reads of the exchanges app (coordinators only: no personal data is shown here)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from .choices import FeedbackStatus
from .models import Exchange, FetchRun


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
