"""Reports out: an address hosted abroad becomes a report for the hotline of the hosting
country, in the JSON shape documented in docs/exchanges.md (schema
`copnet.foreign-report/1`), queued and tracked until removal.

The hosting country comes from the address's IP through `iptocc`, which ships the regional
internet registries' allocations in the package: no network is used for it. A host name is
resolved to an IP first (`resolve`, the system resolver by default; an IP literal needs
none). Content hosted in Vietnam is refused here: it goes through removal requests.
Delivery to the hotline's endpoint and the tracking of its progress are in `hotlines.py`;
`do_track_foreign_report` records progress by hand (a hotline without an endpoint).
"""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import iptocc
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copnet.accounts.permissions import Perm, access, has_perm
from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change
from copnet.cases.models import Case
from copnet.core.tasks import enqueue_on_commit

from . import classifications
from .choices import ForeignReportStatus
from .errors import ExchangeError, ExchangeErrorCode
from .models import ForeignReport

HOTLINES = Path(__file__).with_name("reference") / "hotlines.json"
HOME_COUNTRY = "VN"
SCHEMA = "copnet.foreign-report/1"


@cache
def hotlines() -> dict[str, dict[str, str]]:
    data = json.loads(HOTLINES.read_text(encoding="utf-8"))
    return {row["country"]: row for row in data["hotlines"]}


def system_resolve(host: str) -> str:
    return str(socket.getaddrinfo(host, None)[0][4][0])


def hosting(url: str, resolve: Callable[[str], str] = system_resolve) -> tuple[str, str, str]:
    """(host, IP, country code) of an address; ExchangeError when it cannot be told."""
    host = (urlsplit(url.strip()).hostname or "").strip("[]")
    if not host:
        raise ExchangeError(ExchangeErrorCode.INVALID_URL, field="url")
    try:
        ip = str(ipaddress.ip_address(host))
    except ValueError:
        try:
            ip = resolve(host)
        except OSError as error:
            raise ExchangeError(ExchangeErrorCode.UNRESOLVED, field="url") from error
    country = iptocc.country_code(ip)
    if not country:
        raise ExchangeError(ExchangeErrorCode.NO_COUNTRY, field="url")
    return host, ip, country


def build_payload(report: ForeignReport, case: Case, classification_code: str) -> dict[str, Any]:
    mapped = classifications.row(classification_code)
    return {
        "schema": SCHEMA,
        "reference": f"{case.reference}-F{report.pk}",
        "reported_at": timezone.now().isoformat(),
        "reporting_hotline": {"country": HOME_COUNTRY, "name": "VN-COP"},
        "receiving_hotline": {"country": report.country, "code": report.hotline},
        "url": report.url,
        "hosting": {"host": report.host, "ip": report.ip, "country": report.country},
        "category": case.category.code,
        "classification": {
            "copnet": mapped.code if mapped else "",
            "iccam": mapped.iccam if mapped else "",
            "interpol_baseline": mapped.interpol_baseline if mapped else None,
            "ucs": list(mapped.ucs) if mapped else [],
            "ncmec": mapped.ncmec if mapped else "",
            "iwf": mapped.iwf if mapped else "",
        },
    }


def do_report_abroad(
    *,
    case_id: int,
    url: str,
    classification: str,
    actor: Any,
    resolve: Callable[[str], str] = system_resolve,
) -> ForeignReport:
    """Queue a report of `url` (in case `case_id`) for the hosting country's hotline."""
    if not has_perm(actor, Perm.WORK_CASES):
        raise ExchangeError(ExchangeErrorCode.FORBIDDEN, _("You may not report cases abroad."))
    case = access(actor, Case.objects.select_related("category"), pk=case_id)
    if classification and classifications.row(classification) is None:
        raise ExchangeError(ExchangeErrorCode.UNKNOWN_CLASSIFICATION, field="url")
    host, ip, country = hosting(url, resolve)
    if country == HOME_COUNTRY:
        raise ExchangeError(ExchangeErrorCode.HOSTED_AT_HOME, field="url")
    hotline = hotlines().get(country) or hotlines()["ZZ"]
    with transaction.atomic():
        report = ForeignReport.objects.create(
            case=case, url=url.strip(), host=host, ip=ip, country=country, hotline=hotline["code"]
        )
        report.payload = build_payload(report, case, classification)
        report.save(update_fields=["payload"])
        record_change(
            actor=actor,
            action=AuditAction.EXPORT,
            target=report,
            reason="foreign report queued",
            changes={"country": country, "hotline": hotline["code"], "case": case.reference},
        )
        # Delivered by a task when the hotline has an endpoint (hotlines.py); else by hand.
        enqueue_on_commit("copnet.exchanges.tasks.deliver_foreign_report", report.pk)
    return report


def do_track_foreign_report(*, report_id: int, status: str, actor: Any) -> ForeignReport:
    """Record the hotline's progress; the times give the notice-and-takedown time."""
    if status not in ForeignReportStatus.values:
        raise ExchangeError(ExchangeErrorCode.UNKNOWN_STATUS, field="status")
    if not has_perm(actor, Perm.WORK_CASES):
        raise ExchangeError(ExchangeErrorCode.FORBIDDEN, _("You may not report cases abroad."))
    report = access(actor, ForeignReport.objects.all(), pk=report_id)
    now = timezone.now()
    stamp = {
        ForeignReportStatus.SENT: "sent_at",
        ForeignReportStatus.ACKNOWLEDGED: "acknowledged_at",
        ForeignReportStatus.REMOVED: "removed_at",
    }.get(ForeignReportStatus(status))
    with transaction.atomic():
        report.status = status
        if stamp and getattr(report, stamp) is None:
            setattr(report, stamp, now)
        report.save()
        record_change(
            actor=actor, action=AuditAction.UPDATE, target=report, changes={"status": status}
        )
    return report
