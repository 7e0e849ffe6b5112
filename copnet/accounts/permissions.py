"""Who may see and do what: the one access module used by views, the API, tasks and selectors.

Two questions, answered here only:
- `has_perm(principal, perm)`: may this person (or API key) do this kind of thing at all?
- `visible_to(principal, queryset)`: which rows of a sensitive model may they see? Every model
  holding cases, evidence or personal data is registered in `ORG_SCOPES` with the paths from
  the row to the organisations allowed to see it. `access()` answers 404 for a row that is
  missing and for one that is forbidden alike: even saying that a record exists can leak.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from copnet.network.choices import NetworkRole

from .choices import Role

M = TypeVar("M", bound=Model)


class Perm(StrEnum):
    VIEW_STAFF_AREA = "view_staff_area"
    MANAGE_DIRECTORY = "manage_directory"
    VIEW_CONTACTS = "view_contacts"
    VIEW_PEOPLE = "view_people"
    VIEW_API_KEYS = "view_api_keys"
    MANAGE_API_KEYS = "manage_api_keys"
    VIEW_AUDIT = "view_audit"
    VIEW_CASES = "view_cases"
    WORK_CASES = "work_cases"
    TRIAGE_CASES = "triage_cases"
    VIEW_EVIDENCE = "view_evidence"
    REVEAL_EVIDENCE = "reveal_evidence"
    VIEW_REPORTER_CONTACT = "view_reporter_contact"
    HOTLINE_INTAKE = "hotline_intake"
    VOLUNTEER_REPORT = "volunteer_report"
    MANAGE_TAXONOMY = "manage_taxonomy"
    SUBMIT_REPORTS = "submit_reports"
    VIEW_STATS = "view_stats"
    VIEW_BOARD_REPORTS = "view_board_reports"


_STAFF = {Perm.VIEW_STAFF_AREA}
_CASEWORK = {
    Perm.VIEW_CASES,
    Perm.WORK_CASES,
    Perm.VIEW_EVIDENCE,
    Perm.REVEAL_EVIDENCE,
    Perm.HOTLINE_INTAKE,
}
ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.COORDINATOR: frozenset(set(Perm) - {Perm.VOLUNTEER_REPORT, Perm.SUBMIT_REPORTS}),
    Role.ANALYST: frozenset(
        _STAFF
        | _CASEWORK
        | {Perm.VIEW_CONTACTS, Perm.VIEW_PEOPLE, Perm.TRIAGE_CASES, Perm.VIEW_REPORTER_CONTACT}
    ),
    Role.OFFICER: frozenset(
        _STAFF | _CASEWORK | {Perm.VIEW_CONTACTS, Perm.VIEW_PEOPLE, Perm.VIEW_API_KEYS}
    ),
    # Volunteers report; they never see a case's content or anyone's personal data.
    Role.VOLUNTEER: frozenset(_STAFF | {Perm.VOLUNTEER_REPORT}),
    Role.EVALUATOR: frozenset(_STAFF),
    Role.EDITOR: frozenset(_STAFF),
    Role.OBSERVER: frozenset(_STAFF | {Perm.VIEW_CASES}),
}
# Statistics: every staff role with case insight sees its own organisation's dashboard;
# the Steering Board's periodic reports (network-wide figures) go to observers and analysts.
ROLE_PERMS[Role.ANALYST] |= {Perm.VIEW_STATS, Perm.VIEW_BOARD_REPORTS}
ROLE_PERMS[Role.OFFICER] |= {Perm.VIEW_STATS}
ROLE_PERMS[Role.OBSERVER] |= {Perm.VIEW_STATS, Perm.VIEW_BOARD_REPORTS}
# What an API key may do for its organisation.
API_KEY_PERMS: frozenset[Perm] = frozenset({Perm.VIEW_CONTACTS, Perm.SUBMIT_REPORTS})

# model label -> (permission needed to see any row, paths from a row to organisation ids)
ORG_SCOPES: dict[str, tuple[Perm, tuple[str, ...]]] = {
    "accounts.user": (Perm.VIEW_PEOPLE, ("organisation",)),
    "accounts.apikey": (Perm.VIEW_API_KEYS, ("organisation",)),
    "network.contactpoint": (Perm.VIEW_CONTACTS, ("organisation",)),
    "cases.case": (Perm.VIEW_CASES, ("lead_org", "supporting_orgs")),
    "reports.report": (Perm.VIEW_CASES, ("case__lead_org", "case__supporting_orgs")),
    "reports.evidence": (
        Perm.VIEW_EVIDENCE,
        ("report__case__lead_org", "report__case__supporting_orgs"),
    ),
    "stats.rollup": (Perm.VIEW_STATS, ("org",)),
    "stats.durationsummary": (Perm.VIEW_STATS, ("org",)),
}


def is_api_key(principal: Any) -> bool:
    return bool(getattr(principal, "is_api_key", False))


def is_active_person(principal: Any) -> bool:
    return bool(
        principal is not None
        and getattr(principal, "is_authenticated", False)
        and getattr(principal, "is_active", False)
        and not is_api_key(principal)
    )


def has_perm(principal: Any, perm: Perm) -> bool:
    if is_api_key(principal):
        return principal.is_active and perm in API_KEY_PERMS
    if not is_active_person(principal):
        return False
    if principal.is_superuser:
        return True
    if principal.organisation_id is None:
        return False
    return perm in ROLE_PERMS.get(principal.role, frozenset())


def has_network_wide_scope(principal: Any) -> bool:
    """Coordinators, and analysts of the body that is the standing agency today, see everything."""
    if not is_active_person(principal):
        return False
    if principal.is_superuser or principal.role == Role.COORDINATOR:
        return True
    if principal.role != Role.ANALYST or principal.organisation_id is None:
        return False
    from copnet.network.models import Membership

    return (
        Membership.objects.valid_on(timezone.localdate())
        .filter(organisation_id=principal.organisation_id, role=NetworkRole.STANDING_AGENCY)
        .exists()
    )


def within_scope(principal: Any, organisation_id: int | None) -> bool:
    """May the principal see an organisation's private records at all (its own, or all)?"""
    if has_network_wide_scope(principal):
        return True
    own = getattr(principal, "organisation_id", None)
    return own is not None and own == organisation_id


def visible_to(principal: Any, queryset: QuerySet[M]) -> QuerySet[M]:
    label = queryset.model._meta.label_lower
    if label not in ORG_SCOPES:
        raise LookupError(f"{label} has no access scope in accounts.permissions.ORG_SCOPES")
    perm, paths = ORG_SCOPES[label]
    if not has_perm(principal, perm):
        return queryset.none()
    if has_network_wide_scope(principal):
        return queryset
    org_id = principal.organisation_id
    if org_id is None:
        return queryset.none()
    condition = Q()
    for path in paths:
        condition |= Q(**{path: org_id})
    return queryset.filter(condition).distinct() if len(paths) > 1 else queryset.filter(condition)


def access(principal: Any, queryset: QuerySet[M], **lookup: Any) -> M:
    """Fetch one row the principal may see, or raise Http404 (missing and forbidden alike)."""
    try:
        return visible_to(principal, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
