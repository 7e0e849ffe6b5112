"""Background work on removal requests. Tasks take ids only and are safe to run twice."""

from __future__ import annotations

import logging

from django_tasks import task

from . import services

logger = logging.getLogger(__name__)


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


@task()
def follow_up_removal_requests() -> int:
    """Re-notices and re-checks that are due (periodic). A request that fails is tried again
    when its lease ends; the task then fails too, so the failure shows in the task log."""
    failed = done = 0
    for pk in services.due_followups():
        try:
            done += services.follow_up(pk) != "not_due"
        except Exception:
            logger.exception("follow-up of removal request %s failed", pk)
            failed += 1
    if failed:
        raise RuntimeError(f"{failed} removal request follow-ups failed; retried later")
    return done
