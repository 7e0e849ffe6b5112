from __future__ import annotations

from typing import Any

from copnet.network.choices import NetworkRole, OrganisationKind
from copnet.network.models import ContactPoint, Membership, Organisation


def make_organisation(
    *, code: str, name_en: str = "", member: bool = True, **extra: Any
) -> Organisation:
    org = Organisation.objects.create(
        code=code,
        abbreviation=code,
        name_vi=extra.pop("name_vi", f"Tổ chức {code}"),
        name_en=name_en or f"Organisation {code}",
        kind=extra.pop("kind", OrganisationKind.OTHER),
        **extra,
    )
    if member:
        Membership.objects.create(organisation=org, role=NetworkRole.MEMBER)
    return org


def make_contact(
    *, organisation: Organisation, label: str = "Duty desk", email: str = "desk@example.org"
) -> ContactPoint:
    return ContactPoint.objects.create(
        organisation=organisation,
        label=label,
        email=email,
        phone="+84 24 0000 0000",
        is_primary=True,
    )
