"""Enqueueing background work: always after commit, with JSON-safe arguments only."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django_tasks import task


def enqueue_on_commit(task_obj: Any, *args: Any, **kwargs: Any) -> None:
    """Enqueue `task_obj` once the current transaction commits (at once outside one).

    Arguments go through a JSON round trip first, so a task never depends on a live object.
    """
    args, kwargs = json.loads(json.dumps([args, kwargs]))
    transaction.on_commit(lambda: task_obj.enqueue(*args, **kwargs))


@task()
def ping(token: str) -> str:
    """Proves that a worker is consuming the queue (used by health checks and tests)."""
    return token


@task()
def sweep_orphan_files_task() -> int:
    """The periodic orphan-file sweep (`core.orphans`); returns how many files it removed."""
    from .orphans import do_sweep_orphan_files

    counts = do_sweep_orphan_files()
    return sum(c.removed + c.partial for c in counts.values())


@task()
def recover_work_task() -> dict[str, int]:
    """Periodic recovery (core.recovery); workers also run it when they start."""
    from .recovery import recover_work

    return recover_work()


@task(queue_name="notifications")
def send_email_task(email_id: int) -> bool:
    """One queued e-mail (core.mail); a failure is recorded and retried by the recovery sweep."""
    from .mail import send_queued_email

    return send_queued_email(email_id)
