"""Enqueueing background work: always after commit, with JSON-safe arguments only."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string
from django_tasks import task
from django_tasks.base import Task


def enqueue_on_commit(task_obj: Task[Any, Any] | str, *args: Any, **kwargs: Any) -> None:
    """Enqueue `task_obj` once the current transaction commits (at once outside one).

    `task_obj` is a task or its dotted path ("copnet.cases.tasks.notify_assignments"). Services
    name their own app's tasks by path: `tasks.py` imports the services it runs, never the
    reverse (the import contracts in pyproject.toml check it). The path is resolved here, before
    the commit, so a wrong name fails in the caller and its tests.
    Arguments go through a JSON round trip first, so a task never depends on a live object.
    """
    if isinstance(task_obj, str):
        task_obj = task_by_path(task_obj)
    args, kwargs = json.loads(json.dumps([args, kwargs]))
    transaction.on_commit(lambda: task_obj.enqueue(*args, **kwargs))


def task_by_path(path: str) -> Task[Any, Any]:
    """The task defined at `path`; TypeError when the name is something else."""
    found = import_string(path)
    if not isinstance(found, Task):
        raise TypeError(f"{path} is not a task")
    return found


@task()
def ping(token: str) -> str:
    """Proves that a worker is consuming the queue (used by health checks and tests)."""
    return token
