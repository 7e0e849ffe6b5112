"""Builders for statistics tests: cases and reports with exact timestamps.

Indicators are about timestamps and counts, so these write rows directly (like the demo data)
instead of going through intake; `file_report` covers the real path in the refresh tests."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from copnet.cases.models import Case, CaseEvent
from copnet.reports.models import Report
from copnet.taxonomy.models import HarmCategory

_numbers = itertools.count(1)
TZ = timezone.get_fixed_timezone(7 * 60)  # Asia/Ho_Chi_Minh has no DST


def at(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=TZ)


def make_case(
    *,
    category: str = "cyberbullying",
    created: dt.datetime,
    lead: Any = None,
    supporting: list[Any] | None = None,
    channels: list[str] | None = None,
    genders: list[str] | None = None,
    triage_h: float | None = None,
    action_h: float | None = None,
    close_h: float | None = None,
    ack_due_h: float = 24,
    action_due_h: float = 48,
    close_due_h: float = 24 * 14,
    **fields: Any,
) -> Case:
    """A case with one report per entry of `channels` (first at `created`)."""
    number = next(_numbers)

    def after(hours: float | None) -> dt.datetime | None:
        return None if hours is None else created + dt.timedelta(hours=hours)

    channels = channels or ["web"]
    case = Case.objects.create(
        reference=f"T-{number:06d}",
        category=HarmCategory.objects.get(code=category),
        lead_org=lead,
        created_at=created,
        triaged_at=after(triage_h),
        acknowledged_at=after(triage_h),
        first_action_at=after(action_h),
        closed_at=after(close_h),
        ack_due=after(ack_due_h),
        action_due=after(action_due_h),
        close_due=after(close_due_h),
        report_count=len(channels),
        **fields,
    )
    if supporting:
        case.supporting_orgs.set(supporting)
    for index, channel in enumerate(channels):
        report = Report.objects.create(
            tracking_code=f"TR{number:06d}{index:02d}",
            secret_hash="0" * 64,
            channel=channel,
            category=case.category,
            platform=case.platform,
            province=case.province,
            child_age_band=case.child_age_band,
            child_gender=(genders or [""] * len(channels))[index],
            case=case,
        )
        # auto_now_add: set the received time afterwards.
        Report.objects.filter(pk=report.pk).update(created_at=created + dt.timedelta(hours=index))
    CaseEvent.objects.create(case=case, actor_label="test", kind="created")
    return case
