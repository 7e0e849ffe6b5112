"""Webhook deliveries. Tasks take ids and are safe to run twice."""

from __future__ import annotations

from django_tasks import task

from . import webhooks


@task(queue_name="notifications")
def deliver_webhook(delivery_id: int) -> str:
    return webhooks.deliver(delivery_id)


@task()
def retry_webhooks() -> int:
    """Deliveries whose backoff has passed (periodic)."""
    due = webhooks.due_deliveries()
    for pk in due:
        webhooks.deliver(pk)
    return len(due)
