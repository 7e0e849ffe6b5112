"""The answer to an access request: everything held about one report, decrypted, as JSON in a
ZIP (the report's fields, its addresses, the messages to and from the reporter, the list of
evidence, the legal grounds, consents and earlier requests)."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from django.utils import timezone

from copnet.cases.choices import CaseStatus
from copnet.cases.workflow import PUBLIC_STATUS
from copnet.reports.models import Report
from copnet.reports.services import messages_for

from .legal import grounds_for
from .models import ConsentRecord, SubjectRequest


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def report_data(report: Report) -> dict[str, Any]:
    case = report.case
    evidence = list(report.evidence.order_by("pk"))
    messages: list[dict[str, Any]] = [
        {"from": "reporter", "at": _when(row.created_at), "text": row.text}
        for row in evidence
        if row.text
    ]
    # The Network's messages to this reporter (never those to another reporter of the case).
    messages += [
        {"from": "network", "at": _when(row.created_at), "text": row.text}
        for row in messages_for(report)
    ]
    return {
        "generated_at": timezone.now().isoformat(),
        "report": {
            "tracking_code": report.tracking_code,
            "received_at": _when(report.created_at),
            "channel": report.channel,
            "category": report.category.code,
            "description": report.description,
            "platform": report.platform,
            "account_handles": report.account_handles,
            "occurred_on": _when(report.occurred_on),
            "child_age_band": report.child_age_band,
            "child_gender": report.child_gender,
            "province": report.province,
            "in_danger": report.in_danger,
            "reporter_kind": report.reporter_kind,
            "reporter_name": report.reporter_name,
            "reporter_contact": report.reporter_contact,
            "personal_data_purged_at": _when(report.purged_at),
        },
        "addresses": [row.url for row in report.urls.order_by("pk")],
        "messages": messages,
        "evidence": [
            {
                "id": row.pk,
                "kind": row.kind,
                "mime": row.mime,
                "size": row.size,
                "sha256": row.sha256,
                "received_at": _when(row.created_at),
                "file_kept": bool(row.blob_path),
            }
            for row in evidence
        ],
        "case_status": str(PUBLIC_STATUS[CaseStatus(case.status)]),
        "legal_grounds": [{"ground": g.ground, "basis": g.basis} for g in grounds_for(case)],
        "consents": [
            {
                "purpose": row.purpose,
                "given_by": row.given_by,
                "given_at": _when(row.given_at),
                "withdrawn_at": _when(row.withdrawn_at),
            }
            for row in ConsentRecord.objects.filter(case=case).order_by("pk")
        ],
        "requests": [
            {
                "number": row.number,
                "kind": row.kind,
                "status": row.status,
                "received_at": _when(row.received_at),
                "answered_at": _when(row.answered_at),
            }
            for row in SubjectRequest.objects.filter(report=report).order_by("pk")
        ],
    }


def export_zip(report: Report) -> bytes:
    data = report_data(report)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("report.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr(
            "messages.json", json.dumps(data["messages"], ensure_ascii=False, indent=2)
        )
    return out.getvalue()
