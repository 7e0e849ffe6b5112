"""Background work of the support app. Tasks take ids only and are safe to run twice."""

from __future__ import annotations

from django_tasks import task

from . import services, webhooks


@task(queue_name="notifications")
def deliver_webhook(delivery_id: int) -> str:
    return webhooks.deliver(delivery_id)


@task()
def retry_webhooks() -> int:
    """Deliveries whose backoff has passed, and those whose task was lost (periodic)."""
    due = webhooks.due_deliveries()
    for pk in due:
        webhooks.deliver(pk)
    return len(due)


@task()
def escalate_overdue_referrals() -> int:
    return len(services.escalate_overdue())
