"""Reads of cases, always through accounts.permissions (404 for missing and forbidden alike)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from copnet.accounts.permissions import access, visible_to

from .choices import OPEN_STATUSES
from .models import Case

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal


def cases_visible_to(principal: Principal | None) -> QuerySet[Case]:
    return visible_to(principal, Case.objects.select_related("category", "lead_org"))


def access_case(principal: Principal | None, reference: str) -> Case:
    return access(
        principal,
        Case.objects.select_related("category", "lead_org", "suggested_category"),
        reference=reference,
    )


def triage_queue(principal: Principal | None, filters: dict[str, Any]) -> QuerySet[Case]:
    """Priority first, then the nearest deadline; overdue cases are those past `next_due`."""
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
    return cases.order_by("priority", "next_due", "created_at")
