from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, StrictBool

from copnet.core.api_errors import FieldErrorOut
from copnet.core.provinces import province_codes
from copnet.core.schemas import IsoDate

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
if TYPE_CHECKING:
    from pydantic.config import JsonDict

    ProvinceOrNone = str  # the codes are data (core.provinces); pydantic checks the Literal
else:
    ProvinceOrNone = Literal[("", *province_codes())]
# Text that still has something once control characters and surrounding spaces are removed
# (what `services.clean_text` keeps).
VISIBLE = r"[^\s\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]"


def something_to_report(*fields: str) -> ConfigDict:
    """The schema of `check_report`'s rule that a report needs a description, an address or a
    text (else 400 `empty_report`); documentation only, `check_report` enforces it."""
    options: dict[str, JsonDict] = {
        "description": {"type": "string", "pattern": VISIBLE},
        "urls": {
            "type": "array",
            "minItems": 1,
            "contains": {"type": "string", "pattern": VISIBLE},
        },
        "texts": {
            "type": "array",
            "minItems": 1,
            "contains": {"type": "string", "pattern": VISIBLE},
        },
    }
    return ConfigDict(
        json_schema_extra={
            "anyOf": [{"required": [f], "properties": {f: options[f]}} for f in fields]
        }
    )


class ReportIn(Schema):
    model_config = something_to_report("description", "urls", "texts")

    category: CategoryCode
    description: str = Field("", max_length=10_000)
    urls: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="Web addresses (http or https); one that cannot be read: 400 `invalid_url`.",
    )
    platform: str = Field("", max_length=100)
    account_handles: str = Field("", max_length=2000)
    occurred_on: IsoDate | None = None
    child_age_band: AgeBandCode | None = None
    province: ProvinceOrNone = ""
    in_danger: StrictBool = False
    texts: list[Annotated[str, Field(max_length=20_000)]] = Field(
        default_factory=list, max_length=10
    )
    external_id: str = Field("", max_length=100)


class ReportCreated(Schema):
    tracking_code: str
    case_status: str


class BulkIn(Schema):
    reports: list[dict] = Field(..., min_length=1, max_length=1000)


class BulkItemResult(Schema):
    """A created item (`ok`, `tracking_code`) or a refused one (the error contract's fields)."""

    index: int
    ok: bool
    tracking_code: str | None = None
    code: str | None = None
    message: str | None = None
    field: str | None = None
    errors: list[FieldErrorOut] | None = None


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
