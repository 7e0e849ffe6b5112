"""Tasks left "running" by a worker that died, on the database backend and on RQ alike.

django-tasks-db's worker claims only READY rows, so a row a SIGKILLed worker had claimed stays
RUNNING for ever; on RQ the job stays in the StartedJobRegistry until its execution expires
(job timeout + 60 s, 11 minutes here). Both are found the same way: the worker that holds the
task is dead (core.workers) or the task has run longer than TASK_MAX_RUNTIME_S. Recovery marks
such a task failed and enqueues the same task with the same arguments again (tasks are safe to
run twice, house rule), at most TASK_RECOVERY_ATTEMPTS times for one task and its arguments.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task

from .choices import RecoveryReason
from .models import TaskRecovery, WorkerHeartbeat
from .workers import is_dead

if TYPE_CHECKING:
    from redis import Redis
    from rq.registry import StartedJobRegistry

logger = logging.getLogger(__name__)


class WorkerLost(Exception):
    """Recorded as the error of a task whose worker died while running it."""


@dataclass(frozen=True)
class StaleTask:
    id: str
    task_path: str
    queue_name: str
    worker: str
    reason: str
    args: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)
    priority: int | None = None
    execution: str = ""  # RQ: the execution id in the StartedJobRegistry

    @property
    def digest(self) -> str:
        body = json.dumps([self.task_path, self.args, self.kwargs], sort_keys=True, default=str)
        return hashlib.sha256(body.encode()).hexdigest()


def _reason(
    worker: str,
    started_at: dt.datetime | None,
    beats: dict[str, WorkerHeartbeat],
    now: dt.datetime,
    alive_elsewhere: Callable[[str], bool] | None = None,
) -> str | None:
    beat = beats.get(worker)
    if beat is not None and is_dead(beat, now):
        return RecoveryReason.WORKER_LOST
    if beat is None and worker and alive_elsewhere is not None and not alive_elsewhere(worker):
        return RecoveryReason.WORKER_LOST
    limit = dt.timedelta(seconds=settings.TASK_MAX_RUNTIME_S)
    if started_at is not None and started_at < now - limit:
        return RecoveryReason.TOO_LONG
    return None


# --- Database backend -----------------------------------------------------------------------


def _db_stale(now: dt.datetime, beats: dict[str, WorkerHeartbeat]) -> list[StaleTask]:
    from django_tasks_db.models import DBTaskResult

    found = []
    for row in DBTaskResult.objects.running().order_by("started_at"):
        worker = row.worker_ids[-1] if row.worker_ids else ""
        reason = _reason(worker, row.started_at, beats, now)
        if reason:
            found.append(
                StaleTask(
                    id=str(row.id),
                    task_path=row.task_path,
                    queue_name=row.queue_name,
                    worker=worker,
                    reason=reason,
                    args=row.args_kwargs.get("args", []),
                    kwargs=row.args_kwargs.get("kwargs", {}),
                    priority=row.priority,
                )
            )
    return found


def _db_fail(stale: StaleTask, message: str) -> bool:
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return (
        DBTaskResult.objects.filter(pk=stale.id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            return_value=None,
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback=message,
        )
        == 1
    )


# --- RQ ---------------------------------------------------------------------------------------


def _rq_registries() -> list[StartedJobRegistry]:
    import django_rq
    from django_tasks_rq.backend import Job
    from rq.registry import StartedJobRegistry

    return [
        StartedJobRegistry(queue=django_rq.get_queue(name, job_class=Job), job_class=Job)
        for name in settings.TASK_QUEUES
    ]


def _rq_worker_alive(connection: Redis) -> Callable[[str], bool]:
    """For workers started without run_worker (no heartbeat row): RQ's own worker key, which
    expires worker_ttl + 60 s after its last heartbeat."""
    from rq.worker import Worker

    def alive(name: str) -> bool:
        return bool(connection.exists(f"{Worker.redis_worker_namespace_prefix}{name}"))

    return alive


def _rq_stale(now: dt.datetime, beats: dict[str, WorkerHeartbeat]) -> list[StaleTask]:
    from django_tasks_rq.backend import Job
    from rq.exceptions import NoSuchJobError
    from rq.executions import Execution

    found = []
    for registry in _rq_registries():
        alive = _rq_worker_alive(registry.connection)
        for job_id, execution_id in registry.get_job_and_execution_ids(cleanup=False):
            try:
                job = Job.fetch(job_id, connection=registry.connection)
            except NoSuchJobError:
                continue
            reason: str | None
            try:
                execution = Execution.fetch(execution_id, job_id, registry.connection)
            except ValueError:  # its key expired: no worker kept it alive (RQ's own view)
                worker, reason = "", RecoveryReason.WORKER_LOST
            else:
                worker = execution.worker_name
                reason = _reason(worker, execution.created_at, beats, now, alive)
            if reason:
                found.append(
                    StaleTask(
                        id=job_id,
                        task_path=job.func_name or "",
                        queue_name=job.origin,
                        worker=worker,
                        reason=reason,
                        args=list(job.args),
                        kwargs=dict(job.kwargs),
                        execution=execution_id,
                    )
                )
    return found


def _rq_fail(stale: list[StaleTask]) -> None:
    """Expire the executions now and let RQ handle them as abandoned jobs: failure callback
    (django-tasks marks the result failed), FailedJobRegistry, dependents."""
    for registry in _rq_registries():
        mine = [s for s in stale if s.queue_name == registry.name]
        if not mine:
            continue
        past = timezone.now().timestamp() - 1
        registry.connection.zadd(
            registry.key, {f"{s.id}:{s.execution}": past for s in mine}, xx=True
        )
        registry.cleanup()


# --- Both ---------------------------------------------------------------------------------------


def find_stale_tasks(now: dt.datetime | None = None) -> list[StaleTask]:
    now = now or timezone.now()
    beats = {b.name: b for b in WorkerHeartbeat.objects.all()}
    if settings.TASKS_BACKEND == "database":
        return _db_stale(now, beats)
    if settings.TASKS_BACKEND == "rq":
        return _rq_stale(now, beats)
    return []  # the immediate backend runs tasks in the enqueuing process


def _replace(stale: StaleTask) -> str:
    task = import_string(stale.task_path)
    if not isinstance(task, Task):
        raise TypeError(f"{stale.task_path} is not a task")
    options: dict[str, Any] = {"queue_name": stale.queue_name}
    if stale.priority is not None:
        options["priority"] = stale.priority
    return str(task.using(**options).enqueue(*stale.args, **stale.kwargs).id)


def recover_stale_tasks(now: dt.datetime | None = None) -> int:
    """Mark every stale task failed and enqueue it again; returns how many were replaced."""
    stale = find_stale_tasks(now)
    claimed: list[StaleTask] = []
    for item in stale:
        try:
            with transaction.atomic():
                TaskRecovery.objects.create(
                    task_id=item.id,
                    task_path=item.task_path[:255],
                    digest=item.digest,
                    worker=item.worker[:64],
                    reason=item.reason,
                )
                if settings.TASKS_BACKEND == "database" and not _db_fail(
                    item, f"{item.reason}: worker {item.worker or '?'}"
                ):
                    raise IntegrityError("finished meanwhile")
        except IntegrityError:  # another process recovers it, or it just finished
            continue
        claimed.append(item)
    if settings.TASKS_BACKEND == "rq" and claimed:
        _rq_fail(claimed)
    replaced = 0
    for item in claimed:
        attempts = TaskRecovery.objects.filter(digest=item.digest).count()
        if attempts > settings.TASK_RECOVERY_ATTEMPTS:
            logger.error(
                "task %s %s lost its worker %s times: left failed",
                item.task_path,
                item.id,
                attempts,
            )
            continue
        replacement = _replace(item)
        TaskRecovery.objects.filter(task_id=item.id).update(replacement_id=replacement)
        logger.warning(
            "task %s %s (%s, worker %s) enqueued again as %s",
            item.task_path,
            item.id,
            item.reason,
            item.worker or "?",
            replacement,
        )
        replaced += 1
    return replaced
