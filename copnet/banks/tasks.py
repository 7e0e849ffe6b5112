"""Background work for detection. Tasks take JSON-safe arguments and are safe to run twice."""

from __future__ import annotations

from django_tasks import task

from .retro import match_past_evidence_now


@task()
def match_past_evidence() -> int:
    """Stored evidence against the entries added since the last run (`retro.py`); returns
    how many cases had a hit."""
    run = match_past_evidence_now()
    return len(run.open_cases) + len(run.closed_cases)
