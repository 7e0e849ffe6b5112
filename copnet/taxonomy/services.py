from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from copnet.audit.services import save_with_audit
from copnet.network.models import Organisation

from .models import HarmCategory

REFERENCE_FILE = Path(__file__).parent / "reference" / "categories.json"


def load_categories(path: Path = REFERENCE_FILE) -> int:
    """Create the missing categories of the reference taxonomy; never overwrite edits.

    Needs the Network directory loaded first (for the default organisations)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    orgs = {org.code: org for org in Organisation.objects.all()}
    created = 0
    with transaction.atomic():
        for order, row in enumerate(data["categories"]):
            category, was_created = HarmCategory.objects.get_or_create(
                code=row["code"],
                defaults={
                    **{
                        k: row[k]
                        for k in (
                            "name_vi",
                            "name_en",
                            "help_vi",
                            "help_en",
                            "severity",
                            "ack_hours",
                            "action_hours",
                            "close_days",
                            "legal_basis",
                        )
                    },
                    "default_lead": orgs.get(row["lead"]),
                    "order": order,
                },
            )
            if was_created:
                category.default_supporting.set([orgs[c] for c in row["supporting"] if c in orgs])
                created += 1
    return created


def do_save_category(*, category: HarmCategory, actor: Any, supporting: Any = None) -> HarmCategory:
    with transaction.atomic():
        save_with_audit(instance=category, actor=actor)
        if supporting is not None:
            category.default_supporting.set(supporting)
    return category
