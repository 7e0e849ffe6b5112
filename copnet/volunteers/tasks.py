"""Background work of the volunteer network. Safe to run twice."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="notifications")
def send_inactivity_reminders_task() -> int:
    from .services.health import send_inactivity_reminders

    return send_inactivity_reminders()


@task(queue_name="notifications")
def refresh_report_outcomes_task() -> int:
    from .services.reporting import refresh_report_outcomes

    return refresh_report_outcomes()
