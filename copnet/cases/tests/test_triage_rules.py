from __future__ import annotations

import pytest

from copnet.cases.choices import Priority
from copnet.cases.triage import DetectionSignal, TriageFacts, compute_priority


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (TriageFacts("critical", False, "", 1), Priority.P1),
        (TriageFacts("high", False, "", 1), Priority.P2),
        (TriageFacts("medium", False, "12-15", 1), Priority.P3),
        (TriageFacts("low", False, "", 1), Priority.P4),
        (TriageFacts("low", True, "", 1), Priority.P1),
        (TriageFacts("medium", False, "6-8", 1), Priority.P2),
        (TriageFacts("medium", False, "0-5", 5), Priority.P1),
        (TriageFacts("low", False, "16-17", 7), Priority.P3),
        (
            TriageFacts("low", False, "", 1, (DetectionSignal("pdq", raise_to=Priority.P1),)),
            Priority.P1,
        ),
        (
            TriageFacts("high", False, "", 1, (DetectionSignal("text", raise_to=Priority.P3),)),
            Priority.P2,
        ),
    ],
)
def test_priority_follows_severity_danger_age_reports_and_detection(facts, expected):
    assert compute_priority(facts) == expected
