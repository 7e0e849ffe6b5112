from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

CategoryCode = Literal[
    "csam",
    "grooming",
    "sextortion",
    "cyberbullying",
    "privacy",
    "self_harm",
    "violence",
    "pornography",
    "scam_gambling",
    "drugs",
    "exploitation",
    "other",
]
AgeBandCode = Literal["0-5", "6-8", "9-11", "12-15", "16-17"]


class ReportIn(Schema):
    category: CategoryCode
    description: str = Field("", max_length=10_000)
    urls: list[str] = Field(default_factory=list, max_length=20)
    platform: str = Field("", max_length=200)
    account_handles: str = Field("", max_length=2000)
    occurred_on: dt.date | None = None
    child_age_band: AgeBandCode | None = None
    province: str = Field("", max_length=8)
    in_danger: bool = False
    texts: list[str] = Field(default_factory=list, max_length=10)
    external_id: str = Field("", max_length=100)


class ReportCreated(Schema):
    tracking_code: str
    case_status: str


class BulkIn(Schema):
    reports: list[dict] = Field(..., min_length=1, max_length=1000)


class BulkItemResult(Schema):
    index: int
    ok: bool
    tracking_code: str | None = None
    code: str | None = None
    detail: str | None = None
    errors: list[dict] | None = None


class BulkOut(Schema):
    created: int
    failed: int
    results: list[BulkItemResult]


class ReportStatusOut(Schema):
    tracking_code: str
    external_id: str
    status: str
    status_text: str
    message: str
    received_at: dt.datetime


class ErrorOut(Schema):
    code: str
    detail: str
