"""Reads of cases, always through accounts.permissions (404 for missing and forbidden alike)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from copnet.accounts.choices import Role
from copnet.accounts.permissions import access, visible_to
from copnet.network.models import Organisation

from .choices import OPEN_STATUSES
from .models import Case, SavedFilter

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal


def cases_visible_to(principal: Principal | None) -> QuerySet[Case]:
    return visible_to(principal, Case.objects.select_related("category", "lead_org"))


def access_case(principal: Principal | None, reference: str) -> Case:
    return access(
        principal,
        Case.objects.select_related("category", "lead_org", "suggested_category", "assignee"),
        reference=reference,
    )


# Most urgent first: overdue (the longest overdue first), then the nearest deadline, then the
# priority; cases without a deadline after every case with one.
URGENCY = (F("next_due").asc(nulls_last=True), "priority", "created_at", "pk")


def triage_queue(principal: Principal | None, filters: dict[str, Any]) -> QuerySet[Case]:
    """The queue in URGENCY order; overdue cases are those past `next_due`. Quick filters:
    `mine` (assigned to the principal), `my_org` (led or supported by their organisation),
    `unassigned` (no person assigned)."""
    cases = cases_visible_to(principal)
    status = filters.get("status")
    if status == "open" or not status:
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif status != "all":
        cases = cases.filter(status=status)
    if filters.get("category"):
        cases = cases.filter(category__code=filters["category"])
    if filters.get("organisation"):
        org = filters["organisation"]
        cases = cases.filter(Q(lead_org=org) | Q(supporting_orgs=org)).distinct()
    if filters.get("priority"):
        cases = cases.filter(priority=filters["priority"])
    if filters.get("overdue"):
        cases = cases.filter(next_due__lt=timezone.now())
    if filters.get("mine"):
        cases = cases.filter(assignee_id=getattr(principal, "pk", None) or 0)
    if filters.get("my_org"):
        own = getattr(principal, "organisation_id", None) or 0
        cases = cases.filter(Q(lead_org_id=own) | Q(supporting_orgs=own)).distinct()
    if filters.get("unassigned"):
        cases = cases.filter(assignee__isnull=True)
    return cases.order_by(*URGENCY)


def saved_filters(principal: Principal | None) -> QuerySet[SavedFilter]:
    """A person's own saved queue filters (nobody else's, whatever their role)."""
    return SavedFilter.objects.filter(owner_id=getattr(principal, "pk", None) or 0)


@dataclass(frozen=True)
class Workload:
    organisation: Organisation
    people: list[Any]  # users annotated with open_cases, overdue_cases
    unassigned: int
    unassigned_overdue: int


WORKING_ROLES = (Role.COORDINATOR, Role.ANALYST, Role.OFFICER)


def assignable_people(case: Case) -> QuerySet[Any]:
    """The active people of the case's lead organisation who may work it."""
    from copnet.accounts.models import User

    if case.lead_org_id is None:
        return User.objects.none()
    return User.objects.filter(
        organisation_id=case.lead_org_id, is_active=True, role__in=WORKING_ROLES
    ).order_by("full_name", "email")


def workload(organisation: Organisation) -> Workload:
    """Open and overdue cases per person of an organisation, and its unassigned ones."""
    from copnet.accounts.models import User

    now = timezone.now()
    is_open = Q(assigned_cases__status__in=OPEN_STATUSES)
    people = (
        User.objects.filter(organisation=organisation, is_active=True, role__in=WORKING_ROLES)
        .annotate(
            open_cases=Count("assigned_cases", filter=is_open),
            overdue_cases=Count(
                "assigned_cases", filter=is_open & Q(assigned_cases__next_due__lt=now)
            ),
        )
        .order_by("-overdue_cases", "-open_cases", "email")
    )
    waiting = Case.objects.open().filter(lead_org=organisation, assignee__isnull=True)
    return Workload(
        organisation=organisation,
        people=list(people),
        unassigned=waiting.count(),
        unassigned_overdue=waiting.filter(next_due__lt=now).count(),
    )
