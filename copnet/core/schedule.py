"""Periodic work: each entry enqueues a task every `every` seconds (see run_scheduler)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django_tasks import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist

logger = logging.getLogger(__name__)

FIRST_RUN_S = 60  # after the scheduler starts, unless the entry's period is shorter


@dataclass(frozen=True)
class Periodic:
    name: str
    every: int
    enqueue: Callable[[], Any]


def schedule() -> list[Periodic]:
    from copnet.alerts.tasks import retry_webhooks as retry_org_webhooks
    from copnet.banks.tasks import fold_pdq_index, match_past_evidence
    from copnet.cases.tasks import purge_personal_data_task
    from copnet.core.maintenance import sweep_orphan_files_task
    from copnet.evaluations.tasks import expire_evaluations_task
    from copnet.exchanges.tasks import (
        deliver_due_foreign_reports,
        fetch_due_exchanges,
        send_due_feedback,
        send_due_submissions,
    )
    from copnet.feed.tasks import publish_feed
    from copnet.stats.tasks import generate_due_reports, refresh_rollups
    from copnet.support.tasks import escalate_overdue_referrals
    from copnet.support.tasks import retry_webhooks as retry_hotline_webhooks
    from copnet.takedowns.tasks import (
        expire_overdue_requests,
        follow_up_removal_requests,
        retry_deliveries,
    )
    from copnet.volunteers.tasks import (
        refresh_report_outcomes_task,
        send_inactivity_reminders_task,
    )

    from .maintenance import recover_work_task

    return [
        Periodic("recover stuck work", settings.RECOVERY_INTERVAL_S, recover_work_task.enqueue),
        Periodic("purge personal data", 6 * 3600, purge_personal_data_task.enqueue),
        Periodic("remove orphan files", 3600, sweep_orphan_files_task.enqueue),
        Periodic("expire evaluation results", 3600, expire_evaluations_task.enqueue),
        Periodic("expire overdue removal requests", 300, expire_overdue_requests.enqueue),
        Periodic("retry removal request deliveries", 60, retry_deliveries.enqueue),
        # Each request is due on its platform's own period (24 h by default); idempotent.
        Periodic(
            "re-notify and re-check removal requests", 10 * 60, follow_up_removal_requests.enqueue
        ),
        Periodic("retry organisation webhooks", 60, retry_org_webhooks.enqueue),
        Periodic("publish the protection feed", 3600, publish_feed.enqueue),
        Periodic("volunteer reminders", 24 * 3600, send_inactivity_reminders_task.enqueue),
        Periodic("volunteer report feedback", 15 * 60, refresh_report_outcomes_task.enqueue),
        Periodic("refresh statistics", 10 * 60, refresh_rollups.enqueue),
        Periodic("reports to the Steering Board", 6 * 3600, generate_due_reports.enqueue),
        # Enqueued after every change that adds entries; this run catches a lost enqueue.
        Periodic("match past evidence against new entries", 15 * 60, match_past_evidence.enqueue),
        # Asked for by a process whose PDQ delta grew past the threshold; this run catches a lost
        # request (it folds only when the delta is that large).
        Periodic("fold the PDQ index file", 10 * 60, fold_pdq_index.enqueue),
        # International exchange: each exchange has its own interval; feedback is retried.
        Periodic("fetch due exchanges", 5 * 60, fetch_due_exchanges.enqueue),
        Periodic("send exchange feedback", 60, send_due_feedback.enqueue),
        Periodic("send consented fingerprints abroad", 60, send_due_submissions.enqueue),
        Periodic("deliver reports to foreign hotlines", 60, deliver_due_foreign_reports.enqueue),
        # Referrals for support: missed deadlines escalate; hotline webhooks are retried.
        Periodic("escalate overdue referrals", 300, escalate_overdue_referrals.enqueue),
        Periodic("retry hotline webhooks", 60, retry_hotline_webhooks.enqueue),
    ]


@dataclass
class Scheduler:
    """Enqueues each entry when it is due, but not again while its last task still waits in the
    queue (a dead or busy worker must not find a pile of identical jobs when it comes back).
    A task that is running does not hold the next one back: periodic tasks are idempotent, and a
    task held by a dead worker is recovered, not waited for."""

    entries: list[Periodic]
    started: float
    next_run: dict[str, float] = field(default_factory=dict)
    last: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for entry in self.entries:
            self.next_run[entry.name] = self.started + min(FIRST_RUN_S, entry.every)

    def waiting(self, name: str) -> bool:
        result = self.last.get(name)
        if result is None:
            return False
        try:
            result.refresh()
        except TaskResultDoesNotExist:  # finished and expired (RQ keeps results for a while)
            return False
        return result.status == TaskResultStatus.READY

    def tick(self, now: float) -> list[str]:
        """Enqueue what is due at `now` (monotonic seconds); returns the names enqueued."""
        enqueued = []
        for entry in self.entries:
            if now < self.next_run[entry.name]:
                continue
            self.next_run[entry.name] = now + entry.every
            try:
                if self.waiting(entry.name):
                    continue
                self.last[entry.name] = entry.enqueue()
            except Exception:  # the backend is away: try again at the next period
                logger.exception("could not enqueue %r", entry.name)
                continue
            enqueued.append(entry.name)
        return enqueued
