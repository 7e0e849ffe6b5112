"""Background work for statistics. Tasks take JSON-safe arguments and are safe to run twice."""

from __future__ import annotations

from django_tasks import task

from . import rollups, transparency
from .periods import Period
from .reports import do_generate_report, generate_missing_reports


@task()
def refresh_rollups() -> int:
    """Rebuild the months touched since the last run, then republish the public figures."""
    months = rollups.refresh()
    if months:
        transparency.publish()
    return len(months)


@task()
def generate_report(
    kind: str, period: str, language: str = "vi", user_id: int | None = None
) -> int:
    return do_generate_report(
        period=Period.parse(kind, period), language=language, actor_id=user_id
    ).pk


@task()
def generate_due_reports() -> int:
    """Reports of the last finished month, quarter and year that do not exist yet."""
    return generate_missing_reports()
