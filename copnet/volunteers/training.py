"""Required training: the checklist, and the course named by `VOLUNTEER_TRAINING_COURSE`
(education app) when that course is published. `training_complete` is the one question every
rule asks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

from .models import TrainingCompletion, TrainingItem, Volunteer

if TYPE_CHECKING:
    from copnet.education.models import Course


def required_items() -> list[TrainingItem]:
    return list(TrainingItem.objects.filter(is_active=True))


def completed_item_ids(volunteer: Volunteer) -> set[int]:
    return set(
        TrainingCompletion.objects.filter(volunteer=volunteer).values_list("item_id", flat=True)
    )


def required_course() -> Course | None:
    """The published course every volunteer must complete, or None."""
    from copnet.education.models import Course

    code = settings.VOLUNTEER_TRAINING_COURSE
    return Course.objects.filter(code=code, is_published=True).first() if code else None


def course_complete(volunteer: Volunteer) -> bool:
    from copnet.education.services import has_completed

    course = required_course()
    return course is None or has_completed(volunteer.user, course.code)


def training_complete(volunteer: Volunteer) -> bool:
    """Has the volunteer done the required training? The one question every rule asks."""
    required = set(TrainingItem.objects.filter(is_active=True).values_list("pk", flat=True))
    checklist = bool(required) and required <= completed_item_ids(volunteer)
    return checklist and course_complete(volunteer)
