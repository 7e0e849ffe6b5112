"""Reference data of the volunteer network: the training checklist."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from .models import TrainingItem

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


def load_training_items() -> int:
    """Create the checklist items that are missing; never overwrites an edited item."""
    data = json.loads((REFERENCE_DIR / "training.json").read_text(encoding="utf-8"))
    created = 0
    with transaction.atomic():
        for order, item in enumerate(data["items"], start=1):
            _row, was_created = TrainingItem.objects.get_or_create(
                code=item["code"],
                defaults={
                    "title_vi": item["title_vi"],
                    "title_en": item["title_en"],
                    "body_vi": item["body_vi"],
                    "body_en": item["body_en"],
                    "order": order,
                },
            )
            created += was_created
    return created
