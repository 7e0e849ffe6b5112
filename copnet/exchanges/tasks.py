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
