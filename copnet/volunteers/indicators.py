"""Volunteer figures for the statistics' programme indicators (registered into
`stats.programme.COMPUTATIONS` in VolunteersConfig.ready(): stats sits below volunteers)."""

from __future__ import annotations

from typing import Any

from copnet.stats.geo import current_province

from .choices import VolunteerStatus
from .models import Volunteer


def provinces_with_active_volunteers(board: Any) -> int:
    """Provinces (of the 34) with at least one active volunteer today (a snapshot)."""
    codes = Volunteer.objects.filter(status=VolunteerStatus.ACTIVE).values_list(
        "province", flat=True
    )
    return len({current_province(code) for code in codes.distinct() if code})
