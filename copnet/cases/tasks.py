"""Background work on cases. Tasks take ids only and are safe to run twice."""

from __future__ import annotations

from django_tasks import task

from . import notifications, services
from .models import Case


@task()
def triage_cases(case_ids: list[int]) -> int:
    for case_id in case_ids:
        services.triage_case(case_id)
    return len(case_ids)


@task()
def notify_assignment(case_id: int) -> int:
    case = Case.objects.select_related("lead_org", "category").filter(pk=case_id).first()
    return notifications.notify_assignment(case) if case else 0


@task()
def purge_personal_data_task(older_than_days: int | None = None) -> int:
    from .privacy import purge_personal_data

    return purge_personal_data(older_than_days=older_than_days)
