"""Calendar periods (month, quarter, year, week) in the Network's time zone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from .choices import PeriodKind


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def aware(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in the Network's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date

    @classmethod
    def containing(cls, kind: str, day: dt.date) -> Period:
        if kind == PeriodKind.YEAR:
            return cls(kind, dt.date(day.year, 1, 1))
        if kind == PeriodKind.QUARTER:
            return cls(kind, dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1))
        return cls(PeriodKind.MONTH, month_start(day))

    @property
    def months(self) -> int:
        months: dict[str, int] = {PeriodKind.YEAR: 12, PeriodKind.QUARTER: 3}
        return months.get(self.kind, 1)

    @property
    def end(self) -> dt.date:
        """First day after the period."""
        return add_months(self.start, self.months)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def previous(self) -> Period:
        return Period(self.kind, add_months(self.start, -self.months))

    def month_starts(self) -> list[dt.date]:
        return [add_months(self.start, i) for i in range(self.months)]

    @property
    def slug(self) -> str:
        if self.kind == PeriodKind.YEAR:
            return f"{self.start.year}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m}"

    @classmethod
    def parse(cls, kind: str, text: str) -> Period:
        """'2026', '2026-Q3' or '2026-07' (as made by `slug`); ValueError otherwise."""
        text = text.strip()
        if kind == PeriodKind.YEAR:
            return cls(kind, dt.date(int(text), 1, 1))
        if kind == PeriodKind.QUARTER:
            year, quarter = text.split("-Q")
            if not 1 <= int(quarter) <= 4:
                raise ValueError(text)
            return cls(kind, dt.date(int(year), 3 * int(quarter) - 2, 1))
        if kind == PeriodKind.MONTH:
            year, month = text.split("-")
            return cls(kind, dt.date(int(year), int(month), 1))
        raise ValueError(kind)

    def label(self) -> str:
        return self.slug


def periods_covering(month: dt.date) -> list[Period]:
    return [Period.containing(kind, month) for kind in PeriodKind.values]
