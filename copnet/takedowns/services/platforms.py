"""Writes on the registry of platforms that receive removal requests."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from copnet.audit.choices import AuditAction
from copnet.audit.services import record

from ..models import Platform

REFERENCE_FILE = Path(__file__).resolve().parents[1] / "reference" / "platforms.json"


def load_platforms() -> int:
    """The starter registry (names, kinds and domains only; contacts are entered by staff).
    Idempotent: platforms already present are left as edited."""
    created = 0
    with transaction.atomic():
        for row in json.loads(REFERENCE_FILE.read_text(encoding="utf-8")):
            _platform, was_created = Platform.objects.get_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "kind": row["kind"],
                    "domains": "\n".join(row["domains"]),
                },
            )
            created += int(was_created)
        if created:
            record(
                actor=None,
                action=AuditAction.CREATE,
                target_type="takedowns.platform",
                changes={"loaded": created},
                reason="reference data",
            )
    return created
