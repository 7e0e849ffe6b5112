"""Background work of the exchanges app: JSON-safe arguments, safe to run twice."""

from __future__ import annotations

from django_tasks import task


@task()
def fetch_exchange(exchange_id: int) -> str:
    """One exchange's fetch from its checkpoint (skipped while another process holds it)."""
    from .services import do_fetch_exchange

    run = do_fetch_exchange(exchange_id)
    return run.status if run else "busy"


@task()
def fetch_due_exchanges() -> int:
    """Periodic: fetch each active exchange whose interval has passed."""
    from .services import do_fetch_exchange, due_exchanges

    due = due_exchanges()
    for pk in due:
        do_fetch_exchange(pk)
    return len(due)


@task()
def send_feedback(message_id: int) -> str:
    from .feedback import send_feedback_now

    return send_feedback_now(message_id)


@task()
def send_due_feedback() -> int:
    """Periodic: feedback messages that are new or due for another try."""
    from .feedback import send_due_feedback as send_due

    return send_due()


@task()
def send_submission(submission_id: int) -> str:
    """One young person's consented fingerprints to one exchange (HashSubmission id)."""
    from .submissions import send_submission_now

    return send_submission_now(submission_id)


@task()
def send_due_submissions() -> int:
    """Periodic: consented fingerprints that are new or due for another try."""
    from .submissions import send_due_submissions as send_due

    return send_due()


@task()
def deliver_foreign_report(report_id: int) -> str:
    """One report out to its hotline's endpoint (skipped when none is configured)."""
    from .hotlines import deliver_foreign_report_now

    return deliver_foreign_report_now(report_id)


@task()
def deliver_due_foreign_reports() -> int:
    """Periodic: reports out due for delivery, and delivered ones due for a status check."""
    from .hotlines import deliver_due

    return deliver_due()
