from __future__ import annotations

from typing import Literal

from ninja import Field, Schema

from copnet.core.schemas import IsoDateTime, Text

EVENT_ID = r"^[A-Za-z0-9._:\-]+$"


class PostbackIn(Schema):
    """The hotline's own status of a referral made to it. Signed: `X-COPNet-Signature`
    (`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>`) with the organisation's
    hotline-link secret. `status` moves the referral (empty: only `external_status` is kept)."""

    event_id: str = Field(..., min_length=8, max_length=100, pattern=EVENT_ID)
    status: Literal["", "accepted", "declined", "assessed", "planned", "closed"] = ""
    note: Text = Field("", max_length=2000)
    outcome: Text = Field("", max_length=20)
    external_status: Text = Field("", max_length=40)
    external_ref: Text = Field("", max_length=100)


class PostbackOut(Schema):
    reference: str
    status: str
    external_status: str


class CallNoteIn(Schema):
    """An operator's note of a call, joined to the case of an online report: name the report's
    tracking code (the child's) or the case reference (one of the two)."""

    event_id: str = Field(..., min_length=8, max_length=100, pattern=EVENT_ID)
    tracking_code: Text = Field("", max_length=16)
    case_reference: Text = Field("", max_length=20)
    text: Text = Field(..., min_length=1, max_length=4000)
    called_at: IsoDateTime
    operator_ref: Text = Field("", max_length=100)


class CallNoteOut(Schema):
    linked: bool
    note_id: int
