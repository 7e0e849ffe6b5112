"""The clock of a referral (Decree 56/2017): assessment and emergency intervention within
12 hours for a child at risk, a support plan within 5 working days.

Working days are Monday to Friday in Vietnam, without the public holidays and with the
make-up working days the government declares (the `holidays` library's Vietnam calendar:
Tết, Hùng Kings, 30 April, 1 May, National Day, and their observed days). A plan is due at the
end (23:59:59, Vietnam time) of the fifth working day after the day of the referral.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from .choices import AT_RISK_LEVELS

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
INTERVENTION_HOURS = 12
PLAN_WORKING_DAYS = 5


@lru_cache(maxsize=8)
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=range(year - 1, year + 3))


def is_working_day(day: dt.date) -> bool:
    return bool(_calendar(day.year).is_working_day(day))


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The `count`-th working day after `day` (`day` itself never counts)."""
    found = 0
    while found < count:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            found += 1
    return day


@dataclass(frozen=True)
class Clock:
    intervention_due: dt.datetime | None
    plan_due: dt.datetime


def clock_for(*, sent_at: dt.datetime, risk_level: str) -> Clock:
    local_day = sent_at.astimezone(VIETNAM).date()
    last_day = add_working_days(local_day, PLAN_WORKING_DAYS)
    plan_due = dt.datetime.combine(last_day, dt.time(23, 59, 59), tzinfo=VIETNAM)
    intervention = (
        sent_at + dt.timedelta(hours=INTERVENTION_HOURS) if risk_level in AT_RISK_LEVELS else None
    )
    return Clock(intervention_due=intervention, plan_due=plan_due.astimezone(dt.UTC))
