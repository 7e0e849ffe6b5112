from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema


class DashboardFilterIn(Schema):
    kind: str = Field("", max_length=8)
    period: str = Field("", max_length=10)
    category: str = Field("", max_length=32)
    province: str = Field("", max_length=8)
    platform: str = Field("", max_length=100)
    organisation: str = Field("", max_length=50)
    trend: str = Field("", max_length=8)


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
