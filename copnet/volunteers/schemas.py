from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

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
    hours: Decimal = Field(..., gt=0, le=100)
    outcome: str = Field(..., min_length=1, max_length=5000)
    url_results: dict[str, str] = Field(default_factory=dict)


class VolunteerReportIn(Schema):
    model_config = something_to_report("description", "urls")

    category: CategoryCode
    urls: list[str] = Field(default_factory=list, max_length=20)
    platform: str = Field("", max_length=200)
    description: str = Field("", max_length=10_000)
    in_danger: bool = False


class VolunteerReportOut(Schema):
    tracking_code: str
    category: str
    trusted: bool
    outcome: str
    created_at: dt.datetime
