from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema, Status

from copnet.core.health import check_health

router = Router(tags=["platform"])


class HealthOut(Schema):
    status: str
    database: str
    tasks: str
    tasks_backend: str


@router.get(
    "/health",
    response={200: HealthOut, 503: HealthOut},
    auth=None,
    summary="Liveness of the database and the task backend",
)
def health(request: HttpRequest) -> Status[HealthOut]:
    report = check_health()
    body = HealthOut(
        status="ok" if report.ok else "error",
        database=report.database,
        tasks=report.tasks,
        tasks_backend=report.tasks_backend,
    )
    return Status(200 if report.ok else 503, body)
