"""Periodic work: each entry enqueues a task every `every` seconds (see run_scheduler)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Periodic:
    name: str
    every: int
    enqueue: Callable[[], Any]


def schedule() -> list[Periodic]:
    from copnet.cases.tasks import purge_personal_data_task
    from copnet.stats.tasks import generate_due_reports, refresh_rollups

    return [
        Periodic("purge personal data", 6 * 3600, purge_personal_data_task.enqueue),
        Periodic("refresh statistics", 10 * 60, refresh_rollups.enqueue),
        Periodic("reports to the Steering Board", 6 * 3600, generate_due_reports.enqueue),
    ]
