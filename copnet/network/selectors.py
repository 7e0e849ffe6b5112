"""Reads of the Network directory. The directory itself is public; contact points are not."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from copnet.accounts.permissions import visible_to

from .choices import NETWORK_ROLE_ORDER, NetworkRole
from .models import ContactPoint, Duty, Membership, Organisation


@dataclass
class RoleGroup:
    role: str
    label: str
    memberships: list[Membership] = field(default_factory=list)


def members_on(day: dt.date | None = None) -> list[RoleGroup]:
    """Memberships valid on `day` (default today), grouped by role in the regulation's order,
    each with its duties valid on that day prefetched as `current_duties`."""
    day = day or timezone.localdate()
    memberships = (
        Membership.objects.valid_on(day)
        .select_related("organisation", "organisation__parent")
        .prefetch_related(
            Prefetch("duties", queryset=Duty.objects.valid_on(day), to_attr="current_duties")
        )
    )
    groups = {
        role: RoleGroup(role=role, label=str(NetworkRole(role).label))
        for role in NETWORK_ROLE_ORDER
    }
    for membership in sorted(memberships, key=lambda m: m.organisation.code):
        groups[membership.role].memberships.append(membership)
    return [group for group in groups.values() if group.memberships]


def general_duties_on(day: dt.date | None = None) -> QuerySet[Duty]:
    return Duty.objects.valid_on(day or timezone.localdate()).filter(membership__isnull=True)


def network_organisations() -> QuerySet[Organisation]:
    """Bodies of the Network and their parents: not the product vendors that registered to
    have a product evaluated (`evaluations.Vendor`), which have no place in the Network."""
    return Organisation.objects.filter(vendor__isnull=True)


def organisations_for_choice() -> QuerySet[Organisation]:
    return network_organisations().order_by("code")


def active_organisations() -> QuerySet[Organisation]:
    today = timezone.localdate()
    return network_organisations().exclude(active_to__lt=today).exclude(active_from__gt=today)


def organisation_by_code(code: str) -> Organisation | None:
    return Organisation.objects.filter(code__iexact=code).first()


def contacts_visible_to(principal: Any, organisation: Organisation) -> QuerySet[ContactPoint]:
    return visible_to(principal, ContactPoint.objects.filter(organisation=organisation))
