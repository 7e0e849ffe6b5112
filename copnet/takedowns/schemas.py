from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class CallbackIn(Schema):
    event_id: str = Field(..., min_length=8, max_length=100, pattern=r"^[A-Za-z0-9._:\-]+$")
    reference: str = Field(..., min_length=4, max_length=20)
    status: str = Field(..., max_length=16)
    refusal_reason: str = Field("", max_length=16)
    note: str = Field("", max_length=2000)
    platform_ref: str = Field("", max_length=100)
    occurred_at: dt.datetime | None = None


class CallbackOut(Schema):
    reference: str
    status: str
