from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import StrictBool

from copnet.reports.schemas import CategoryCode, something_to_report


class MeOut(Schema):
    name: str
    level: str
    province: str
    training_complete: bool
    may_take_tasks: bool
    trusted_reporter: bool
    hours: Decimal


class TaskOut(Schema):
    """What a volunteer sees of a task: never the case it came from."""

    id: int
    kind: str
    title: str
    question: str
    urls: list[str]
    province: str
    due_at: dt.datetime


class AssignmentOut(Schema):
    id: int
    task: TaskOut
    status: str
    hours: Decimal
    reported_at: dt.datetime | None


class ReportBackIn(Schema):
    # A number, or the same as a decimal string ("1.5"); 0.1 to 100 (else 400 invalid_hours).
    hours: (
        Annotated[float, Field(strict=True, ge=0.1, le=100)]
        | Annotated[str, Field(pattern=r"^[0-9]{1,3}(\.[0-9]{1,3})?$")]
    )
    outcome: str = Field(..., min_length=1, max_length=5000)
    url_results: dict[str, str] = Field(default_factory=dict)


class VolunteerReportIn(Schema):
    model_config = something_to_report("description", "urls")

    category: CategoryCode
    urls: list[str] = Field(default_factory=list, max_length=20)
    platform: str = Field("", max_length=100)
    description: str = Field("", max_length=10_000)
    in_danger: StrictBool = False


class VolunteerReportOut(Schema):
    tracking_code: str
    category: str
    trusted: bool
    outcome: str
    created_at: dt.datetime
