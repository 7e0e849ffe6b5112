"""The task worker of the configured backend, with a heartbeat and recovery when it starts."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from copnet.core.choices import ProcessKind
from copnet.core.recovery import recover_work
from copnet.core.workers import Heartbeat

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run a task worker (db_worker or rqworker, as TASKS_BACKEND says) that writes a "
        "heartbeat and first takes up work a dead worker left (see core.recovery)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        backend = settings.TASKS_BACKEND
        if backend not in {"database", "rq"}:
            raise CommandError(f"TASKS_BACKEND={backend} runs tasks without a worker.")
        with Heartbeat(ProcessKind.WORKER) as name:
            try:
                recover_work()
            except Exception:  # logged by recover_work; the worker must start regardless
                logger.warning("recovery at start did not finish; the scheduler retries it")
            if backend == "rq":
                # SimpleWorker runs jobs in the worker process itself (no fork per job), so the
                # detection indexes stay in its memory between jobs.
                call_command(
                    "rqworker",
                    *settings.TASK_QUEUES,
                    job_class="django_tasks_rq.Job",
                    worker_class="rq.worker.SimpleWorker",
                    name=name,
                    verbosity=options["verbosity"],
                )
            else:
                call_command(
                    "db_worker",
                    queue_name=",".join(settings.TASK_QUEUES),
                    worker_id=name,
                    reload=False,
                    startup_delay=False,
                    verbosity=options["verbosity"],
                )
