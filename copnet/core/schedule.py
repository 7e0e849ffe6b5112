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
    from copnet.banks.tasks import match_past_evidence
    from copnet.cases.tasks import purge_personal_data_task
    from copnet.core.tasks import sweep_orphan_files_task
    from copnet.evaluations.tasks import expire_evaluations_task
    from copnet.feed.tasks import publish_feed
    from copnet.stats.tasks import generate_due_reports, refresh_rollups
    from copnet.takedowns.tasks import expire_overdue_requests, retry_deliveries
    from copnet.volunteers.tasks import (
        refresh_report_outcomes_task,
        send_inactivity_reminders_task,
    )

    return [
        Periodic("purge personal data", 6 * 3600, purge_personal_data_task.enqueue),
        Periodic("remove orphan files", 3600, sweep_orphan_files_task.enqueue),
        Periodic("expire evaluation results", 3600, expire_evaluations_task.enqueue),
        Periodic("expire overdue removal requests", 300, expire_overdue_requests.enqueue),
        Periodic("retry removal request deliveries", 60, retry_deliveries.enqueue),
        Periodic("publish the protection feed", 3600, publish_feed.enqueue),
        Periodic("volunteer reminders", 24 * 3600, send_inactivity_reminders_task.enqueue),
        Periodic("volunteer report feedback", 15 * 60, refresh_report_outcomes_task.enqueue),
        Periodic("refresh statistics", 10 * 60, refresh_rollups.enqueue),
        Periodic("reports to the Steering Board", 6 * 3600, generate_due_reports.enqueue),
        # Enqueued after every change that adds entries; this run catches a lost enqueue.
        Periodic("match past evidence against new entries", 15 * 60, match_past_evidence.enqueue),
    ]
