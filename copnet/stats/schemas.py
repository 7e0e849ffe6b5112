from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

from ninja import Field, Schema

from copnet.core.provinces import province_codes
from copnet.core.schemas import Text
from copnet.reports.schemas import CategoryCode

from .choices import PeriodKind, TrendKind

if TYPE_CHECKING:
    ProvinceOrAll = str  # the codes are data (core.provinces); pydantic checks the Literal
else:
    ProvinceOrAll = Literal[("", *province_codes())]


class DashboardFilterIn(Schema):
    """Like the dashboard's filter form; `period` must match `kind` (2026, 2026-Q3, 2026-07),
    and `platform` and `organisation` must be ones the figures know (else 422)."""

    kind: PeriodKind | Literal[""] = ""
    period: str = Field(
        "", pattern=r"^((20[0-9]{2}|2100)(-Q[1-4]|-(0[1-9]|1[0-2]))?)?$", max_length=10
    )
    category: CategoryCode | Literal[""] = ""
    province: ProvinceOrAll = ""
    platform: Text = Field("", max_length=100)
    organisation: Text = Field("", max_length=50)
    trend: TrendKind | Literal[""] = ""


class BreakdownRow(Schema):
    value: str
    label: str
    n: int
    share: float


class BreakdownOut(Schema):
    key: str
    title: str
    rows: list[BreakdownRow]


class SeriesPoint(Schema):
    start: dt.date
    label: str
    cases: int
    reports: int
    change: float | None


class HandlingOut(Schema):
    metric: str
    label: str
    n: int
    p50: float | None
    p90: float | None


class DashboardOut(Schema):
    period: str
    start: dt.date
    end: dt.date
    data_as_of: dt.datetime | None
    totals: dict[str, Any]
    previous: dict[str, Any]
    breakdowns: list[BreakdownOut]
    series: list[SeriesPoint]
    handling: list[HandlingOut]
    extra: list[dict[str, Any]]
