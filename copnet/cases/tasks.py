"""Background work on cases. Tasks take ids only and are safe to run twice."""

from __future__ import annotations

from django_tasks import task

from . import notifications
from .models import Case
from .privacy import purge_all
from .proposals import propose_joins_now
from .triage_batch import triage_cases_now


@task()
def triage_cases(case_ids: list[int]) -> int:
    run = triage_cases_now(case_ids)
    if run.busy:  # held by another transaction right now: their turn comes in a later job
        triage_cases.enqueue(run.busy)
    # notify_assignment sends once per case and lead, so listing a case twice is harmless.
    assigned = [case.pk for case in run.assigned]
    if assigned:
        notify_assignments.enqueue(assigned)
    propose_joins.enqueue(sorted(set(case_ids) - set(run.busy)))
    return len(case_ids)


@task(queue_name="notifications")
def notify_assignments(case_ids: list[int]) -> int:
    """E-mails for newly assigned cases; a separate queue so that triage never waits on mail."""
    cases = Case.objects.select_related("lead_org", "category").filter(pk__in=case_ids)
    return notifications.notify_assignments_now(cases.order_by("pk"))


@task()
def purge_personal_data_task(older_than_days: int | None = None) -> dict[str, int]:
    """Every retention rule (cases.privacy.purge_all); returns what each step erased."""

    return purge_all(case_days=older_than_days)


@task()
def propose_joins(case_ids: list[int]) -> int:
    """Proposals to join these cases with others (cases.proposals); safe to run twice."""
    return propose_joins_now(case_ids)
