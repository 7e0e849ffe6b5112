"""Health of the platform: the database, the task backend, and whether background work flows.

"error" when the database or the task backend cannot be reached; "degraded" when work is
stuck (cases untriaged past the grace period, tasks held by a dead worker, tasks that failed
recently and were not replaced), no worker or scheduler is alive, or a component that an app
registered (`health_checks.register_health_check`, e.g. the detection index file) says "error"; "ok"
otherwise. Only counts, ages and short states leave this module: the answer is public.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .choices import ProcessKind
from .health_checks import check_components, problems_of


@dataclass(frozen=True)
class WorkState:
    untriaged_cases: int
    stale_tasks: int
    failed_tasks: int
    workers: int
    worker_last_seen_s: float | None
    schedulers: int
    scheduler_last_seen_s: float | None
    needs_worker: bool

    @property
    def stuck(self) -> bool:
        if self.untriaged_cases or self.stale_tasks or self.failed_tasks:
            return True
        return self.needs_worker and not (self.workers and self.schedulers)


@dataclass(frozen=True)
class HealthReport:
    database: str
    tasks: str
    tasks_backend: str
    work: WorkState | None = None
    components: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.database == "ok" and self.tasks == "ok"

    @property
    def status(self) -> str:
        if not self.ok:
            return "error"
        if self.work is not None and self.work.stuck:
            return "degraded"
        return "degraded" if self.broken_components else "ok"

    @property
    def broken_components(self) -> list[str]:
        return [name for name, state in self.components.items() if state.startswith("error")]

    @property
    def problems(self) -> list[str]:
        return problems_of(self.components)


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        return f"error: {type(exc).__name__}"
    return "ok"


def check_tasks() -> str:
    backend = settings.TASKS_BACKEND
    try:
        if backend == "rq":
            import redis

            client = redis.Redis.from_url(
                settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
            )
            try:
                client.ping()
            finally:
                client.close()
        elif backend == "database":
            from django_tasks_db.models import DBTaskResult

            DBTaskResult.objects.exists()
    except Exception as exc:  # a broken backend is reported, never raised
        return f"error: {type(exc).__name__}"
    return "ok"


def untriaged_cases(now: dt.datetime) -> int:
    from copnet.cases.choices import CaseStatus
    from copnet.cases.models import Case

    cutoff = now - dt.timedelta(seconds=settings.RECOVERY_GRACE_S)
    return Case.objects.filter(status=CaseStatus.NEW, created_at__lt=cutoff).count()


def failed_tasks(now: dt.datetime) -> int:
    """Tasks that failed in the last HEALTH_FAILED_WINDOW_S and were not enqueued again."""
    from .models import TaskRecovery

    since = now - dt.timedelta(seconds=settings.HEALTH_FAILED_WINDOW_S)
    failed: set[str] = set()
    if settings.TASKS_BACKEND == "database":
        from django_tasks_db.models import DBTaskResult

        failed = {
            str(pk)
            for pk in DBTaskResult.objects.failed()
            .filter(finished_at__gte=since)
            .values_list("id", flat=True)[:1000]
        }
    elif settings.TASKS_BACKEND == "rq":
        import django_rq
        from django_tasks_rq.backend import Job

        for name in settings.TASK_QUEUES:
            registry = django_rq.get_queue(name, job_class=Job).failed_job_registry
            ids = registry.get_job_ids(0, 199, desc=True, cleanup=False)
            for job in Job.fetch_many(ids, connection=registry.connection):
                if job is None:  # expired meanwhile
                    continue
                ended = job.ended_at
                if ended is not None and ended.replace(tzinfo=dt.UTC) >= since:
                    failed.add(job.id)
    if not failed:
        return 0
    replaced = set(
        TaskRecovery.objects.filter(task_id__in=failed)
        .exclude(replacement_id="")
        .values_list("task_id", flat=True)
    )
    return len(failed - replaced)


def check_work(now: dt.datetime | None = None) -> WorkState:
    from .stale_tasks import find_stale_tasks
    from .workers import live_processes, seconds_since_seen

    now = now or timezone.now()
    return WorkState(
        untriaged_cases=untriaged_cases(now),
        stale_tasks=len(find_stale_tasks(now)),
        failed_tasks=failed_tasks(now),
        workers=len(live_processes(ProcessKind.WORKER, now)),
        worker_last_seen_s=seconds_since_seen(ProcessKind.WORKER, now),
        schedulers=len(live_processes(ProcessKind.SCHEDULER, now)),
        scheduler_last_seen_s=seconds_since_seen(ProcessKind.SCHEDULER, now),
        needs_worker=settings.TASKS_BACKEND != "immediate",
    )


def check_health() -> HealthReport:
    database, tasks = check_database(), check_tasks()
    work = None
    if database == "ok" and tasks == "ok":
        try:
            work = check_work()
        except Exception as exc:  # reported, never raised: health must answer
            tasks = f"error: {type(exc).__name__}"
    return HealthReport(
        database=database,
        tasks=tasks,
        tasks_backend=settings.TASKS_BACKEND,
        work=work,
        components=check_components(),
    )
