"""Higher initial trust: a case reported by a trusted volunteer is raised one priority step."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from copnet.cases.triage import SEVERITY_PRIORITY, DetectionSignal

if TYPE_CHECKING:
    from copnet.cases.models import Case


def trusted_volunteer_signal(cases: Sequence[Case]) -> dict[int, list[DetectionSignal]]:
    """For a triage batch: {case id: [signal]} for the cases a trusted volunteer reported."""
    from .models import VolunteerReport

    trusted = set(
        VolunteerReport.objects.filter(
            report__case__in=[case.pk for case in cases], trusted=True
        ).values_list("report__case_id", flat=True)
    )
    return {
        case.pk: [
            DetectionSignal(
                source="trusted_volunteer",
                raise_to=max(1, SEVERITY_PRIORITY[case.category.severity] - 1),
                explanation="reported by a trusted volunteer",
            )
        ]
        for case in cases
        if case.pk in trusted
    }
