"""Records of processing activities and retention periods: reference data
(`reference/register.json`, versioned as `core.reference` describes) loaded into rows, and the
retention period the purge uses for a category (the row's days, else its setting)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from copnet.core.reference import read_versions

from .models import ProcessingActivity, RetentionRule

REGISTER = Path(__file__).parent / "reference" / "register.json"


def load_register(path: Path = REGISTER) -> int:
    """Create the rows that are missing (idempotent; a row edited since is never overwritten).
    Returns the number of rows created."""
    data = read_versions(path).current
    created = 0
    with transaction.atomic():
        for row in data["retention"]:
            _rule, made = RetentionRule.objects.get_or_create(
                code=row["code"], defaults={k: v for k, v in row.items() if k != "code"}
            )
            created += made
        for position, row in enumerate(data["activities"]):
            values: dict[str, Any] = {
                k: v for k, v in row.items() if k not in {"code", "retention"}
            }
            values["retention"] = RetentionRule.objects.get(code=row["retention"])
            values["position"] = position
            _activity, made = ProcessingActivity.objects.get_or_create(
                code=row["code"], defaults=values
            )
            created += made
    return created


DEFAULT_SETTINGS = {
    "report_content": "PURGE_AFTER_DAYS",
    "reporter_identity": "PURGE_AFTER_DAYS",
    "volunteer_applications": "APPLICATION_RETENTION_DAYS",
    "audit_origins": "AUDIT_ORIGIN_RETENTION_DAYS",
}


def retention_days(code: str) -> int:
    """Days a category is kept: its rule's days, else the setting (also before the reference
    data is loaded)."""
    rule = RetentionRule.objects.filter(code=code).first()
    if rule is not None:
        return rule.effective_days
    return int(getattr(settings, DEFAULT_SETTINGS[code]))
