"""Background work on removal requests. Tasks take ids only and are safe to run twice."""

from __future__ import annotations

from django_tasks import task

from . import services


@task(queue_name="notifications")
def deliver_removal_request(request_id: int) -> str:
    return services.deliver(request_id)


@task()
def retry_deliveries() -> int:
    """Attempts whose backoff has passed (periodic)."""
    due = services.due_deliveries()
    for pk in due:
        services.deliver(pk)
    return len(due)


@task()
def expire_overdue_requests() -> int:
    return len(services.expire_overdue())
