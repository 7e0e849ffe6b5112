"""The platform's own periodic tasks (the scheduler enqueues them, see core.schedule). They
belong to the shell: they reach into apps, so they live apart from `core.tasks`, which every
app imports to enqueue."""

from __future__ import annotations

from django_tasks import task

from .orphans import do_sweep_orphan_files
from .recovery import recover_work


@task()
def sweep_orphan_files_task() -> int:
    """The periodic orphan-file sweep (`core.orphans`); returns how many files it removed."""
    counts = do_sweep_orphan_files()
    return sum(c.removed + c.partial for c in counts.values())


@task()
def recover_work_task() -> dict[str, int]:
    """Periodic recovery (core.recovery); workers also run it when they start."""
    return recover_work()
