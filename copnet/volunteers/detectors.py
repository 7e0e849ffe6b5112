"""Higher initial trust: a case reported by a trusted volunteer is raised one priority step."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from copnet.cases.triage import SEVERITY_PRIORITY, DetectionSignal


def trusted_volunteer_signal(case: Any) -> Iterable[DetectionSignal]:
    from .models import VolunteerReport

    if not VolunteerReport.objects.filter(report__case=case, trusted=True).exists():
        return []
    base = SEVERITY_PRIORITY[case.category.severity]
    return [
        DetectionSignal(
            source="trusted_volunteer",
            raise_to=max(1, base - 1),
            explanation="reported by a trusted volunteer",
        )
    ]
