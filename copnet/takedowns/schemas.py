from __future__ import annotations

from typing import Literal

from ninja import Field, Schema

from copnet.core.schemas import IsoDateTime, Text

from .choices import RefusalReason


class CallbackIn(Schema):
    """`refusal_reason` is required when `status` is `refused` (else 422 `reason_required`)."""

    event_id: str = Field(..., min_length=8, max_length=100, pattern=r"^[A-Za-z0-9._:\-]+$")
    reference: Text = Field(..., min_length=4, max_length=20)
    status: Literal["acknowledged", "removed", "refused"]
    refusal_reason: RefusalReason | Literal[""] = ""
    note: Text = Field("", max_length=2000)
    platform_ref: Text = Field("", max_length=100)
    occurred_at: IsoDateTime | None = None


class CallbackOut(Schema):
    reference: str
    status: str


class PlatformComplianceOut(Schema):
    platform: str
    name: str
    sent: int
    removed: int
    removed_within_deadline: int
    share_removed_within_deadline: float | None
    median_hours_to_removal: float | None
    p90_hours_to_removal: float | None
    median_hours_to_first_response: float | None
    renotices: int
    refused: int
    refusals_by_reason: dict[str, int]
    expired: int
    pending: int


class ComplianceOut(Schema):
    platforms: list[PlatformComplianceOut]
