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
    from copnet.evaluations.tasks import expire_evaluations_task

    return [
        Periodic("purge personal data", 6 * 3600, purge_personal_data_task.enqueue),
        Periodic("expire evaluation results", 3600, expire_evaluations_task.enqueue),
    ]
