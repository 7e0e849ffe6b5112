"""Recovery that needs no person: run by every worker when it starts and by the scheduler
every RECOVERY_INTERVAL_S.

1. Tasks a dead worker held are marked failed and enqueued again (core.stale_tasks).
2. Sweeps re-derive undone work from the domain's own state, so they are idempotent and also
   cover work whose task was never enqueued (a web process dying between commit and enqueue):
   cases still untriaged, assignment e-mails not sent, queued e-mails (core.mail) whose
   task was lost or whose last attempt failed. Removal-request deliveries and the
   periodic jobs (rollups, purge, …) find their due work the same way on their own schedule.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from .stale_tasks import recover_stale_tasks
from .workers import forget_dead_processes

logger = logging.getLogger(__name__)


def sweeps() -> list[tuple[str, Callable[[], int]]]:
    from copnet.cases.recovery import notify_overdue_assignments, triage_overdue_cases

    from .mail import retry_due_emails

    return [
        ("stale_tasks", recover_stale_tasks),
        ("untriaged_cases", triage_overdue_cases),
        ("unsent_notifications", notify_overdue_assignments),
        ("unsent_emails", retry_due_emails),
        ("dead_processes", forget_dead_processes),
    ]


class RecoveryError(RuntimeError):
    pass


def recover_work() -> dict[str, int]:
    """Run every sweep, even when one fails; raise at the end if any did (the task then shows
    as failed, and health says degraded)."""
    done: dict[str, int] = {}
    failed: list[str] = []
    for name, sweep in sweeps():
        try:
            done[name] = sweep()
        except Exception:
            logger.exception("recovery sweep %s failed", name)
            failed.append(name)
    if any(done.values()):
        logger.warning("recovery: %s", {k: v for k, v in done.items() if v})
    if failed:
        raise RecoveryError(f"recovery sweeps failed: {', '.join(failed)}")
    return done
