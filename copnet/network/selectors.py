"""Reads of the Network directory. The directory itself is public; contact points are not."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from copnet.accounts.permissions import visible_to

from .choices import NETWORK_ROLE_ORDER, NetworkRole
from .models import ContactPoint, Duty, Membership, Organisation, Succession

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal


@dataclass
class RoleGroup:
    role: str
    label: str
    memberships: list[Membership] = field(default_factory=list)


def members_on(day: dt.date | None = None, *, include_unverified: bool = False) -> list[RoleGroup]:
    """Memberships valid on `day` (default today), grouped by role in the regulation's order,
    each with its duties valid on that day prefetched as `current_duties`.

    Memberships still to verify are left out unless `include_unverified` (staff pages only)."""
    day = day or timezone.localdate()
    memberships = Membership.objects.valid_on(day)
    if not include_unverified:
        memberships = memberships.filter(to_verify=False)
    memberships = memberships.select_related(
        "organisation", "organisation__parent"
    ).prefetch_related(
        Prefetch("duties", queryset=Duty.objects.valid_on(day), to_attr="current_duties")
    )
    groups = {
        role: RoleGroup(role=role, label=str(NetworkRole(role).label))
        for role in NETWORK_ROLE_ORDER
    }
    for membership in sorted(memberships, key=lambda m: m.organisation.code):
        groups[membership.role].memberships.append(membership)
    return [group for group in groups.values() if group.memberships]


def unverified_count_on(day: dt.date) -> int:
    """How many memberships of `day` are still to verify (public pages say only how many)."""
    return Membership.objects.valid_on(day).filter(to_verify=True).count()


def successions_until(day: dt.date, *, include_unverified: bool = False) -> list[Organisation]:
    """Bodies that ended on or before `day` and whose functions went elsewhere, each with its
    successions (`shares`) in code order: the reorganisations a reader of `day` needs."""
    successions = Succession.objects.select_related("successor").order_by("successor__code")
    if not include_unverified:
        successions = successions.filter(to_verify=False)
    return list(
        Organisation.objects.filter(active_to__lt=day, successions__in=successions)
        .distinct()
        .order_by("-active_to", "code")
        .prefetch_related(Prefetch("successions", queryset=successions, to_attr="shares"))
    )


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


def contacts_visible_to(
    principal: Principal | None, organisation: Organisation
) -> QuerySet[ContactPoint]:
    return visible_to(principal, ContactPoint.objects.filter(organisation=organisation))
