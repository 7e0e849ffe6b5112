"""Required training. Today a checklist; when the education app (courses) is present, a
course-completion check plugs in here, in `training_complete`, and nothing else changes."""

from __future__ import annotations

from .models import TrainingCompletion, TrainingItem, Volunteer


def required_items() -> list[TrainingItem]:
    return list(TrainingItem.objects.filter(is_active=True))


def completed_item_ids(volunteer: Volunteer) -> set[int]:
    return set(
        TrainingCompletion.objects.filter(volunteer=volunteer).values_list("item_id", flat=True)
    )


def training_complete(volunteer: Volunteer) -> bool:
    """Has the volunteer done the required training? The one question every rule asks."""
    required = set(TrainingItem.objects.filter(is_active=True).values_list("pk", flat=True))
    return bool(required) and required <= completed_item_ids(volunteer)
