"""Writes on the Network directory: the reference-data loader and the coordinators' edits."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change, save_with_audit

from .models import Duty, Membership, Organisation

REFERENCE_FILE = Path(__file__).parent / "reference" / "network.json"


@dataclass
class LoadResult:
    created: int = 0
    existing: int = 0


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def load_reference_data(path: Path = REFERENCE_FILE) -> LoadResult:
    """Create the bodies, memberships and duties of the founding documents.

    Idempotent: rows are found by their stable keys and only missing ones are created, so running
    it again adds nothing and never overwrites what a coordinator has since edited.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    result = LoadResult()

    def tally(created: bool) -> None:
        if created:
            result.created += 1
        else:
            result.existing += 1

    with transaction.atomic():
        orgs: dict[str, Organisation] = {}
        for row in data["organisations"]:
            fields = {
                k: row.get(k, "")
                for k in (
                    "abbreviation",
                    "name_vi",
                    "name_en",
                    "kind",
                    "description_vi",
                    "description_en",
                    "website",
                )
            }
            org, created = Organisation.objects.get_or_create(
                code=row["code"],
                defaults={
                    **fields,
                    "active_from": _date(row.get("active_from")),
                    "active_to": _date(row.get("active_to")),
                },
            )
            orgs[org.code] = org
            tally(created)
        for row in data["organisations"]:  # links need every organisation to exist first
            org = orgs[row["code"]]
            changed = []
            for field in ("parent", "successor"):
                code = row.get(field)
                if code and getattr(org, f"{field}_id") is None:
                    setattr(org, field, orgs[code])
                    changed.append(field)
            if changed:
                org.save(update_fields=changed)
        for row in data["general_duties"]:
            _, created = Duty.objects.get_or_create(
                membership=None,
                key=row["key"],
                defaults={
                    "text_vi": row["text_vi"],
                    "text_en": row["text_en"],
                    "order": data["general_duties"].index(row),
                },
            )
            tally(created)
        for row in data["memberships"]:
            membership, created = Membership.objects.get_or_create(
                organisation=orgs[row["organisation"]],
                role=row["role"],
                valid_from=_date(row.get("valid_from")),
                defaults={
                    "valid_to": _date(row.get("valid_to")),
                    "basis": row.get("basis", ""),
                    "note_vi": row.get("note_vi", ""),
                    "note_en": row.get("note_en", ""),
                },
            )
            tally(created)
            for order, duty in enumerate(row.get("duties", [])):
                _, created = Duty.objects.get_or_create(
                    membership=membership,
                    key=duty["key"],
                    defaults={
                        "text_vi": duty["text_vi"],
                        "text_en": duty["text_en"],
                        "order": order,
                    },
                )
                tally(created)
        if result.created:
            record_change(
                actor=None,
                action=AuditAction.CREATE,
                target=orgs[data["organisations"][0]["code"]],
                changes={"reference_data": str(path.name), "rows": result.created},
                reason="reference data loaded",
            )
    return result


def do_save_organisation(*, organisation: Organisation, actor: Any) -> Organisation:
    return save_with_audit(instance=organisation, actor=actor)


def do_save_membership(*, membership: Membership, actor: Any) -> Membership:
    return save_with_audit(instance=membership, actor=actor)


def do_save_duty(*, duty: Duty, actor: Any) -> Duty:
    return save_with_audit(instance=duty, actor=actor)
