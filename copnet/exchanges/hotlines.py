"""Reports out, delivered: each foreign report goes to its hotline's endpoint by a task, and
its progress there is asked until the content is removed (notice-and-takedown times).

Endpoints are data (`HotlineEndpoint`, one per hotline code of `reference/hotlines.json`),
configured by coordinators only (`Perm.MANAGE_EXCHANGES`, second factor), with the legal
ground and transfer assessment of the transfer; the API key is encrypted and never audited.

The protocol (`copnet.foreign-report/1`, docs/exchanges.md "Reports out"):
- `POST {endpoint}/reports` with the payload, `Authorization: Bearer <api_key>` and
  `Idempotency-Key: <reference>`; 200/201/202 with `{"id": <hotline's reference>}`. The same
  key twice must give the same report: a delivery retried after a crash between the partner's
  answer and our commit creates nothing new there.
- `GET {endpoint}/reports/{id}` → `{"status": "received"|"acknowledged"|"removed",
  "acknowledged_at"?, "removed_at"?}` (ISO 8601; the hotline's own times are used when they
  are plausible, else the time we learnt it).

`deliver_foreign_report_now` claims a queued report with a conditional UPDATE (a lease), sends
it, and on failure schedules the next try with a doubling backoff (`EXCHANGE_FEEDBACK_*`)
until it gives up; `check_foreign_report_now` asks the status at most every `CHECK_EVERY`.
The periodic `deliver_due` does both for what is due. Every delivery and status change is
audited.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from copnet.accounts.permissions import Perm, has_perm
from copnet.audit.choices import AuditAction
from copnet.audit.services import record, record_change

from . import http
from .choices import ForeignReportStatus
from .errors import ExchangeError, ExchangeErrorCode, ExchangeProtocolError
from .models import ForeignReport, HotlineEndpoint
from .reports_out import hotlines
from .retries import next_attempt
from .services import check_endpoint

SEND_LEASE = dt.timedelta(minutes=10)
CHECK_EVERY = dt.timedelta(hours=1)
TRACKED = (ForeignReportStatus.SENT, ForeignReportStatus.ACKNOWLEDGED)
HOTLINE_STATUSES = {
    "received": ForeignReportStatus.SENT,
    "acknowledged": ForeignReportStatus.ACKNOWLEDGED,
    "removed": ForeignReportStatus.REMOVED,
}
ORDER = list(ForeignReportStatus.values)  # queued < sent < acknowledged < removed


# --- Configuration ------------------------------------------------------------------------------


@dataclass
class HotlineEndpointInput:
    code: str
    endpoint: str
    legal_ground: str
    transfer_assessment_ref: str
    api_key: str | None = None  # None: keep the stored one
    is_active: bool = True


def do_save_hotline_endpoint(
    *, data: HotlineEndpointInput, actor: Any, existing: HotlineEndpoint | None = None
) -> HotlineEndpoint:
    """Create or change a hotline's endpoint; audited without the key."""
    if not has_perm(actor, Perm.MANAGE_EXCHANGES):
        raise ExchangeError(ExchangeErrorCode.FORBIDDEN, _("You may not configure exchanges."))
    code = data.code.strip()
    if code not in {row["code"] for row in hotlines().values()}:
        raise ExchangeError(ExchangeErrorCode.UNKNOWN_HOTLINE, field="code")
    endpoint = check_endpoint(data.endpoint)
    if not data.legal_ground.strip() or not data.transfer_assessment_ref.strip():
        raise ExchangeError(
            ExchangeErrorCode.TRANSFER_GROUND_MISSING,
            field="legal_ground" if not data.legal_ground.strip() else "transfer_assessment_ref",
        )
    if existing is None and not (data.api_key or "").strip():
        raise ExchangeError(ExchangeErrorCode.CREDENTIALS_MISSING, field="api_key")
    with transaction.atomic():
        if existing is None:
            if HotlineEndpoint.objects.filter(code=code).exists():
                raise ExchangeError(ExchangeErrorCode.DUPLICATE, field="code")
            existing = HotlineEndpoint(code=code)
            action = AuditAction.CREATE
        else:
            action = AuditAction.UPDATE
        existing.endpoint = endpoint
        existing.legal_ground = data.legal_ground.strip()
        existing.transfer_assessment_ref = data.transfer_assessment_ref.strip()
        existing.is_active = data.is_active
        if (data.api_key or "").strip():
            existing.credentials = {"api_key": (data.api_key or "").strip()}
        existing.save()
        record_change(
            actor=actor,
            action=action,
            target=existing,
            changes={
                "code": code,
                "endpoint": endpoint,
                "legal_ground": existing.legal_ground,
                "transfer_assessment_ref": existing.transfer_assessment_ref,
                "is_active": existing.is_active,
                "credentials_changed": bool((data.api_key or "").strip()),
            },
        )
    return existing


# --- Delivery -----------------------------------------------------------------------------------


def _endpoint_for(report: ForeignReport) -> HotlineEndpoint | None:
    return HotlineEndpoint.objects.filter(code=report.hotline, is_active=True).first()


def _headers(endpoint: HotlineEndpoint) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {(endpoint.credentials or {}).get('api_key', '')}",
        "Accept": "application/json",
    }


def _claim(report_id: int, now: dt.datetime) -> bool:
    return bool(
        ForeignReport.objects.filter(pk=report_id, status=ForeignReportStatus.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(hotline__in=HotlineEndpoint.objects.filter(is_active=True).values("code"))
        .update(attempts=F("attempts") + 1, next_attempt_at=now + SEND_LEASE)
    )


def deliver_foreign_report_now(report_id: int) -> str:
    """Deliver one queued report if it is due and its hotline has an endpoint; returns its
    status afterwards ("" when not claimed)."""
    now = timezone.now()
    if not _claim(report_id, now):
        return ""
    report = ForeignReport.objects.get(pk=report_id)
    endpoint = _endpoint_for(report)
    reference = str((report.payload or {}).get("reference", ""))
    try:
        if endpoint is None or not reference:
            raise ExchangeProtocolError(
                ExchangeErrorCode.PROTOCOL, _("The report cannot be delivered.")
            )
        response = http.call(
            "POST",
            f"{endpoint.endpoint}/reports",
            headers={
                **_headers(endpoint),
                "Content-Type": "application/json",
                "Idempotency-Key": reference,
            },
            body=json.dumps(report.payload, ensure_ascii=False).encode(),
        )
        hotline_ref = str(http.json_object(response.body).get("id") or "")[:100]
        if not hotline_ref:
            raise ExchangeProtocolError(
                ExchangeErrorCode.PROTOCOL, _("The hotline gave no reference for the report.")
            )
    except ExchangeError as error:
        retry_at = next_attempt(report.attempts)
        gave_up = retry_at is None
        ForeignReport.objects.filter(pk=report.pk, status=ForeignReportStatus.QUEUED).update(
            status=ForeignReportStatus.GAVE_UP if gave_up else ForeignReportStatus.QUEUED,
            last_error=str(error.message)[:500],
            next_attempt_at=retry_at,
        )
        return ForeignReportStatus.GAVE_UP if gave_up else ForeignReportStatus.QUEUED
    sent_at = timezone.now()
    with transaction.atomic():
        ForeignReport.objects.filter(pk=report.pk, status=ForeignReportStatus.QUEUED).update(
            status=ForeignReportStatus.SENT,
            sent_at=sent_at,
            hotline_ref=hotline_ref,
            last_error="",
            next_attempt_at=None,
            checked_at=sent_at,
        )
        record(
            actor=None,
            action=AuditAction.EXPORT,
            target=report,
            reason="foreign report sent to the hotline",
            changes={
                "hotline": report.hotline,
                "hotline_ref": hotline_ref,
                "attempts": report.attempts,
            },
        )
    return ForeignReportStatus.SENT


def _their_time(raw: Any, report: ForeignReport, now: dt.datetime) -> dt.datetime:
    """The hotline's time when it is plausible (after our report, not in the future)."""
    parsed = parse_datetime(raw) if isinstance(raw, str) else None
    if parsed is None or timezone.is_naive(parsed):
        return now
    return parsed if report.created_at <= parsed <= now else now


def check_foreign_report_now(report_id: int, *, force: bool = False) -> str:
    """Ask the hotline how far a delivered report is; record acknowledgement and removal
    with their times. Returns the status afterwards ("" when not due or not tracked)."""
    now = timezone.now()
    due = ForeignReport.objects.filter(pk=report_id, status__in=TRACKED).exclude(hotline_ref="")
    if not force:
        due = due.filter(Q(checked_at__isnull=True) | Q(checked_at__lte=now - CHECK_EVERY))
    if not due.update(checked_at=now):
        return ""
    report = ForeignReport.objects.get(pk=report_id)
    endpoint = _endpoint_for(report)
    if endpoint is None:
        return str(report.status)
    try:
        response = http.call(
            "GET", f"{endpoint.endpoint}/reports/{report.hotline_ref}", headers=_headers(endpoint)
        )
        data = http.json_object(response.body)
    except ExchangeError as error:
        ForeignReport.objects.filter(pk=report.pk).update(last_error=str(error.message)[:500])
        return str(report.status)
    status = HOTLINE_STATUSES.get(str(data.get("status", "")))
    if status is None:
        ForeignReport.objects.filter(pk=report.pk).update(
            last_error=_("The hotline answered an unknown status.")
        )
        return str(report.status)
    if ORDER.index(status) <= ORDER.index(report.status):
        ForeignReport.objects.filter(pk=report.pk).update(last_error="")
        return str(report.status)  # never backwards
    fields: dict[str, Any] = {"status": status, "last_error": ""}
    if report.acknowledged_at is None:
        fields["acknowledged_at"] = _their_time(data.get("acknowledged_at"), report, now)
    if status == ForeignReportStatus.REMOVED:
        fields["removed_at"] = _their_time(data.get("removed_at"), report, now)
    with transaction.atomic():
        changed = ForeignReport.objects.filter(pk=report.pk, status=report.status).update(**fields)
        if changed:
            record(
                actor=None,
                action=AuditAction.UPDATE,
                target=report,
                reason="foreign report status from the hotline",
                changes={"status": [report.status, status]},
            )
    return status


def deliver_due() -> int:
    """Periodic: deliver every due queued report and ask about every due delivered one.
    Returns how many were delivered."""
    now = timezone.now()
    queued = ForeignReport.objects.filter(status=ForeignReportStatus.QUEUED).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    delivered = sum(
        deliver_foreign_report_now(pk) == ForeignReportStatus.SENT
        for pk in queued.values_list("pk", flat=True)[:500]
    )
    tracked = (
        ForeignReport.objects.filter(status__in=TRACKED)
        .exclude(hotline_ref="")
        .filter(Q(checked_at__isnull=True) | Q(checked_at__lte=now - CHECK_EVERY))
    )
    for pk in tracked.values_list("pk", flat=True)[:500]:
        check_foreign_report_now(pk)
    return delivered
