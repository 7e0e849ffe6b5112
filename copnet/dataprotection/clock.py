"""Working-day clocks with Vietnamese public holidays (the `holidays` library): a data-subject
request is answered within 2 working days (Decree 356/2025)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.utils import timezone

ANSWER_WORKING_DAYS = 2
# Breach notification to the authority: 72 hours from detection (PDPL 2025 as summarised by
# secondary sources; the article's text is still to verify, see docs/personal-data.md).
BREACH_NOTIFY_HOURS = 72


@lru_cache(maxsize=16)
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year)


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not a public holiday; a Saturday the government made a working day
    (in exchange for a bridge day off) counts as one."""
    return bool(_calendar(day.year).is_working_day(day))


def add_working_days(start: dt.date, days: int) -> dt.date:
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def answer_due(received: dt.datetime) -> dt.datetime:
    """The end (23:59:59, local time) of the second working day after the day of receipt."""
    local = timezone.localtime(received)
    last = add_working_days(local.date(), ANSWER_WORKING_DAYS)
    end = dt.datetime.combine(last, dt.time(23, 59, 59))
    return timezone.make_aware(end, timezone.get_current_timezone())


def breach_due(discovered: dt.datetime) -> dt.datetime:
    return discovered + dt.timedelta(hours=BREACH_NOTIFY_HOURS)
