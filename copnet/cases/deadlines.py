"""Deadlines of a case: from its category when it opens, tightened by its priority at triage.

Legal basis (../shared/domain.md): Decree 56/2017 asks for emergency intervention within 12 hours;
Decree 147/2024 for removal within 24 hours of a competent authority's request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from copnet.taxonomy.models import HarmCategory

from .choices import Priority

# priority -> (acknowledge within, act within)
PRIORITY_LIMITS: dict[int, tuple[dt.timedelta, dt.timedelta]] = {
    Priority.P1: (dt.timedelta(hours=1), dt.timedelta(hours=12)),
    Priority.P2: (dt.timedelta(hours=4), dt.timedelta(hours=24)),
    Priority.P3: (dt.timedelta(hours=24), dt.timedelta(hours=48)),
    Priority.P4: (dt.timedelta(hours=72), dt.timedelta(hours=120)),
}


@dataclass(frozen=True)
class Deadlines:
    ack_due: dt.datetime
    action_due: dt.datetime
    close_due: dt.datetime


def deadlines_for(
    category: HarmCategory, opened_at: dt.datetime, priority: int | None = None
) -> Deadlines:
    ack = dt.timedelta(hours=category.ack_hours)
    act = dt.timedelta(hours=category.action_hours)
    if priority is not None:
        limit_ack, limit_act = PRIORITY_LIMITS[priority]
        ack, act = min(ack, limit_ack), min(act, limit_act)
    close = max(dt.timedelta(days=category.close_days), act)
    return Deadlines(
        ack_due=opened_at + ack, action_due=opened_at + act, close_due=opened_at + close
    )
