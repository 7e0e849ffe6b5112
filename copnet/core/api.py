from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema, Status

from copnet.core.health import check_health

router = Router(tags=["platform"])


class HealthOut(Schema):
    status: str  # ok, degraded (work stuck or no worker) or error (database/backend down)
    database: str
    tasks: str
    tasks_backend: str
    untriaged_cases: int | None = None  # open cases still new after the grace period
    stale_tasks: int | None = None  # tasks held by a dead worker or running too long
    failed_tasks: int | None = None  # failed recently and not enqueued again
    workers: int | None = None  # live task workers
    worker_last_seen_s: float | None = None
    schedulers: int | None = None
    scheduler_last_seen_s: float | None = None
    # Components registered by apps, e.g. pdq_index: ok, not built (built on the first match),
    # in memory (no index file configured) or error: damaged (a refresh refused the file).
    components: dict[str, str] = {}


@router.get(
    "/health",
    response={200: HealthOut, 503: HealthOut},
    auth=None,
    summary=(
        "Database, task backend, background work and components such as the detection index:"
        " ok, degraded or error (counts and states only)"
    ),
)
def health(request: HttpRequest) -> Status[HealthOut]:
    report = check_health()
    body = HealthOut(
        status=report.status,
        database=report.database,
        tasks=report.tasks,
        tasks_backend=report.tasks_backend,
        components=report.components,
    )
    if work := report.work:
        body.untriaged_cases = work.untriaged_cases
        body.stale_tasks = work.stale_tasks
        body.failed_tasks = work.failed_tasks
        body.workers = work.workers
        body.worker_last_seen_s = _seconds(work.worker_last_seen_s)
        body.schedulers = work.schedulers
        body.scheduler_last_seen_s = _seconds(work.scheduler_last_seen_s)
    return Status(200 if report.ok else 503, body)


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
