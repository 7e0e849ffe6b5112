"""Campaign figures for the statistics' programme indicators (registered into
`stats.programme.COMPUTATIONS` in CampaignsConfig.ready(): stats sits below campaigns)."""

from __future__ import annotations

from typing import Any

from django.db.models import Sum

from .models import LinkDay


def campaign_visits(board: Any) -> int:
    period = board.filters.period
    found = LinkDay.objects.filter(day__gte=period.start, day__lt=period.end).aggregate(
        n=Sum("visits")
    )
    return found["n"] or 0
