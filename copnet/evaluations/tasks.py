"""Background work of the evaluations app. Tasks take ids only and are safe to run twice."""

from __future__ import annotations

from django_tasks import task

from . import notifications
from .services.workflow import expire_evaluations


@task()
def expire_evaluations_task() -> int:
    """Published results past their expiry date leave the catalogue."""
    return expire_evaluations()


@task(queue_name="notifications")
def notify_managers_task(evaluation_id: int) -> int:
    return notifications.notify_managers(evaluation_id)


@task(queue_name="notifications")
def notify_evaluator_task(assignment_id: int) -> int:
    return notifications.notify_evaluator(assignment_id)


@task(queue_name="notifications")
def notify_vendor_task(evaluation_id: int) -> int:
    return notifications.notify_vendor(evaluation_id)
