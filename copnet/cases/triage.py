"""Priority of a case. Detection (a later part) plugs in through `DetectionSignal` providers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from copnet.taxonomy.choices import AgeBand, Severity

from .choices import Priority


@dataclass(frozen=True)
class DetectionSignal:
    """What a detector found in a case's evidence: it can raise priority or suggest a category."""

    source: str
    raise_to: int | None = None  # a Priority value, e.g. 1 for a known-abuse hash match
    suggested_category: str | None = None
    keep_blurred: bool = False
    explanation: str = ""


# Detectors take a batch of cases and answer {case id: signals}; the detection app registers
# its own here.
DETECTORS: list[Callable[[Sequence[Any]], dict[int, list[DetectionSignal]]]] = []

SEVERITY_PRIORITY: dict[str, Priority] = {
    Severity.CRITICAL: Priority.P1,
    Severity.HIGH: Priority.P2,
    Severity.MEDIUM: Priority.P3,
    Severity.LOW: Priority.P4,
}
YOUNG = {AgeBand.UNDER_6, AgeBand.AGE_6_8}
MANY_REPORTS = 5


@dataclass(frozen=True)
class TriageFacts:
    severity: str
    in_danger: bool
    child_age_band: str
    report_count: int
    signals: tuple[DetectionSignal, ...] = ()


def compute_priority(facts: TriageFacts) -> int:
    """P1 critical … P4 low: severity sets the start; danger makes it P1; a young child or many
    reports raise it one step; a detection signal can raise it further."""
    if facts.in_danger:
        return Priority.P1
    priority: int = SEVERITY_PRIORITY[facts.severity]
    if facts.child_age_band in YOUNG:
        priority -= 1
    if facts.report_count >= MANY_REPORTS:
        priority -= 1
    for signal in facts.signals:
        if signal.raise_to is not None:
            priority = min(priority, signal.raise_to)
    return max(Priority.P1, priority)
