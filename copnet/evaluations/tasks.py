"""Background work of the evaluations app."""

from __future__ import annotations

from django_tasks import task

from .services.workflow import expire_evaluations


@task()
def expire_evaluations_task() -> int:
    """Published results past their expiry date leave the catalogue; safe to run twice."""
    return expire_evaluations()
