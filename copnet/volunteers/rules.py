"""Facts about a volunteer that the permission module and the services ask for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .choices import ADULT_TASK_KINDS, VolunteerStatus

if TYPE_CHECKING:
    from copnet.accounts.models import User

    from .models import Volunteer


@dataclass(frozen=True)
class VolunteerFacts:
    level: str
    active: bool
    minor: bool
    province: str


def level_and_restrictions(user: User) -> VolunteerFacts | None:
    """None when the account has no volunteer profile."""
    from .models import Volunteer

    volunteer = Volunteer.objects.filter(user_id=user.pk).first()
    if volunteer is None:
        return None
    return VolunteerFacts(
        level=volunteer.level,
        active=volunteer.status == VolunteerStatus.ACTIVE,
        minor=volunteer.is_minor,
        province=volunteer.province,
    )


def task_kinds_allowed(volunteer: Volunteer) -> set[str] | None:
    """None means every kind; volunteers under 18 never get tasks that can show harmful content."""
    if volunteer.is_minor:
        from .choices import TaskKind

        return set(TaskKind.values) - set(ADULT_TASK_KINDS)
    return None
