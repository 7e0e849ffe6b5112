"""Who may see and do what: the one access module used by views, the API, tasks and selectors.

Two questions, answered here only:
- `has_perm(principal, perm)`: may this person (or API key) do this kind of thing at all?
- `visible_to(principal, queryset)`: which rows of a sensitive model may they see? Every model
  holding cases, evidence or personal data is registered in `ORG_SCOPES` with the paths from
  the row to the organisations allowed to see it. `access()` answers 404 for a row that is
  missing and for one that is forbidden alike: even saying that a record exists can leak.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol, TypeGuard, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from copnet.network.choices import NetworkRole

from .choices import Role

if TYPE_CHECKING:
    from typing_extensions import TypeIs

    from copnet.cases.models import Case

    from .models import ApiKey, User
    from .principal import Principal

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
    VIEW_EVALUATIONS = "view_evaluations"
    EVALUATE_PRODUCTS = "evaluate_products"
    MANAGE_EVALUATIONS = "manage_evaluations"
    SUBMIT_PRODUCTS = "submit_products"
    MANAGE_LEARNING = "manage_learning"
    TEACH_CLASSES = "teach_classes"
    MANAGE_CAMPAIGNS = "manage_campaigns"
    VIEW_BANKS = "view_banks"
    MANAGE_BANKS = "manage_banks"
    REQUEST_REMOVALS = "request_removals"
    APPROVE_REMOVALS = "approve_removals"
    MANAGE_PLATFORMS = "manage_platforms"
    VIEW_COMPLIANCE = "view_compliance"
    MANAGE_FEED = "manage_feed"
    PLATFORM_CALLBACK = "platform_callback"
    READ_FEED = "read_feed"
    # Volunteer network (volunteers app). Levels add to the volunteer role: see LEVEL_PERMS.
    VOLUNTEER_TASKS = "volunteer_tasks"
    VOLUNTEER_TRUSTED_REPORT = "volunteer_trusted_report"
    LEAD_VOLUNTEERS = "lead_volunteers"
    MANAGE_VOLUNTEERS = "manage_volunteers"
    VIEW_STATS = "view_stats"
    VIEW_BOARD_REPORTS = "view_board_reports"
    # Remove a person's second factor (lost phone): they enrol again at their next sign-in.
    RESET_SECOND_FACTOR = "reset_second_factor"
    # Coordinators see whether background work flows (health of the platform, counts only).
    VIEW_PLATFORM_HEALTH = "view_platform_health"
    # International exchange (exchanges app): partners' credentials and cross-border transfers.
    # Coordinators only; a holder always signs in with a second factor (SECOND_FACTOR_PERMS).
    MANAGE_EXCHANGES = "manage_exchanges"
    # Referrals from abroad (CyberTipline): import them, and see who uploaded what from which
    # address (police roles: agency officers; coordinators).
    IMPORT_REFERRALS = "import_referrals"
    VIEW_REFERRAL_EVENTS = "view_referral_events"
    # Referral of a child for support (support app): make one from a case; a hotline's system
    # answers its referrals and joins its call notes through an API key.
    REFER_FOR_SUPPORT = "refer_for_support"
    SUPPORT_CALLBACK = "support_callback"
    # Personal-data duties (dataprotection app): data-subject requests, legal grounds and
    # consents, the breach register, records of processing. Data-protection officers and
    # coordinators.
    MANAGE_DATA_PROTECTION = "manage_data_protection"


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
        | {Perm.VIEW_BANKS, Perm.MANAGE_BANKS}
    ),
    Role.OFFICER: frozenset(
        _STAFF | _CASEWORK | {Perm.VIEW_CONTACTS, Perm.VIEW_PEOPLE, Perm.VIEW_API_KEYS}
    ),
    # Volunteers report; they never see a case's content or anyone's personal data.
    Role.VOLUNTEER: frozenset(_STAFF | {Perm.VOLUNTEER_REPORT}),
    Role.EVALUATOR: frozenset(_STAFF | {Perm.VIEW_EVALUATIONS, Perm.EVALUATE_PRODUCTS}),
    Role.EDITOR: frozenset(_STAFF | {Perm.MANAGE_LEARNING, Perm.MANAGE_CAMPAIGNS}),
    Role.OBSERVER: frozenset(_STAFF | {Perm.VIEW_CASES}),
    # Vendors are not Network members: their own products and evaluations, nothing else.
    Role.VENDOR: frozenset({Perm.SUBMIT_PRODUCTS, Perm.VIEW_EVALUATIONS}),
    # Teachers run their own classes (pseudonymous learners); they see no case or report.
    Role.TEACHER: frozenset(_STAFF | {Perm.TEACH_CLASSES}),
    # The controller's data-protection officer answers data subjects, keeps the breach register
    # and the records of processing; network-wide (has_network_wide_scope), but no casework.
    Role.DATA_PROTECTION_OFFICER: frozenset(_STAFF | {Perm.MANAGE_DATA_PROTECTION}),
}
# Removal requests to platforms (takedowns app) and the protection feed (feed app). The
# registry of platforms (contacts, channels, API tokens) is kept by the analysts who manage
# removal requests, and by the coordinators; never by a platform's own staff
# (NOT_FOR_PLATFORM_STAFF below).
ROLE_PERMS[Role.ANALYST] |= {Perm.REQUEST_REMOVALS, Perm.VIEW_COMPLIANCE, Perm.MANAGE_PLATFORMS}
ROLE_PERMS[Role.OFFICER] |= {Perm.REQUEST_REMOVALS}
# A notice is issued in the name of a competent authority (Decree 147/2024): its officers and
# coordinators approve it (and only for their own authority: takedowns.services.authorities).
ROLE_PERMS[Role.OFFICER] |= {Perm.APPROVE_REMOVALS}
ROLE_PERMS[Role.OBSERVER] |= {Perm.VIEW_COMPLIANCE}
# Statistics: every staff role with case insight sees its own organisation's dashboard;
# the Steering Board's periodic reports (network-wide figures) go to observers and analysts.
ROLE_PERMS[Role.ANALYST] |= {Perm.VIEW_STATS, Perm.VIEW_BOARD_REPORTS}
ROLE_PERMS[Role.OFFICER] |= {Perm.VIEW_STATS}
# CyberTipline referrals reach the police (A05); their officers import them and read the
# uploader's account, addresses and devices.
ROLE_PERMS[Role.OFFICER] |= {Perm.IMPORT_REFERRALS, Perm.VIEW_REFERRAL_EVENTS}
ROLE_PERMS[Role.OBSERVER] |= {Perm.VIEW_STATS, Perm.VIEW_BOARD_REPORTS}
# Case workers refer a child for support; the receiving body's officers answer (WORK_CASES).
ROLE_PERMS[Role.ANALYST] |= {Perm.REFER_FOR_SUPPORT}
ROLE_PERMS[Role.OFFICER] |= {Perm.REFER_FOR_SUPPORT}
# What an API key may do for its organisation.
API_KEY_PERMS: frozenset[Perm] = frozenset({Perm.VIEW_CONTACTS, Perm.SUBMIT_REPORTS})
# A platform answers its own removal requests; ecosystem apps read the protection feed.
API_KEY_PERMS |= {Perm.PLATFORM_CALLBACK, Perm.READ_FEED}
# A hotline's system answers the referrals made to it and joins its call notes to cases.
API_KEY_PERMS |= {Perm.SUPPORT_CALLBACK}

# People of a platform (trust-and-safety staff) never get these, whatever their role: the
# registry says how every platform, their own included, is sent removal requests and holds
# the platforms' API tokens. See is_platform_staff().
NOT_FOR_PLATFORM_STAFF: frozenset[Perm] = frozenset({Perm.MANAGE_PLATFORMS})

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
    "reports.reporturl": (
        Perm.VIEW_CASES,
        ("report__case__lead_org", "report__case__supporting_orgs"),
    ),
    # A message from the Network to one report's reporter (never to the case's other reporters).
    "cases.reportmessage": (
        Perm.VIEW_CASES,
        ("report__case__lead_org", "report__case__supporting_orgs"),
    ),
    "evaluations.product": (Perm.VIEW_EVALUATIONS, ("vendor__organisation",)),
    "evaluations.evaluation": (
        Perm.VIEW_EVALUATIONS,
        ("product__vendor__organisation", "assignments__evaluator__organisation"),
    ),
    "evaluations.vendordocument": (
        Perm.VIEW_EVALUATIONS,
        (
            "evaluation__product__vendor__organisation",
            "evaluation__assignments__evaluator__organisation",
        ),
    ),
    "evaluations.scoreevidence": (
        Perm.EVALUATE_PRODUCTS,
        ("score__assignment__evaluator__organisation",),
    ),
    "evaluations.selfassessment": (Perm.SUBMIT_PRODUCTS, ("product__vendor__organisation",)),
    "campaigns.campaign": (Perm.MANAGE_CAMPAIGNS, ("organisation", "partners")),
    "banks.detectionhit": (Perm.VIEW_BANKS, ("case__lead_org", "case__supporting_orgs")),
    # The issuing authority sees the requests issued in its name (it approves them).
    "takedowns.removalrequest": (
        Perm.VIEW_CASES,
        ("case__lead_org", "case__supporting_orgs", "issuing_authority__organisation"),
    ),
    # Accounts named in reports: seen by whoever sees one of the cases that names them.
    "violators.platformaccount": (
        Perm.VIEW_CASES,
        ("sightings__case__lead_org", "sightings__case__supporting_orgs"),
    ),
    "violators.accountsighting": (
        Perm.VIEW_CASES,
        ("case__lead_org", "case__supporting_orgs"),
    ),
    "violators.accountsuspension": (
        Perm.VIEW_CASES,
        ("account__sightings__case__lead_org", "account__sightings__case__supporting_orgs"),
    ),
    "takedowns.removalitem": (
        Perm.VIEW_CASES,
        (
            "request__case__lead_org",
            "request__case__supporting_orgs",
            "request__issuing_authority__organisation",
        ),
    ),
    "takedowns.followup": (
        Perm.VIEW_CASES,
        ("request__case__lead_org", "request__case__supporting_orgs"),
    ),
    # Feed entries name the case they came from: coordinators (network-wide) see them all.
    "feed.feedentry": (Perm.MANAGE_FEED, ("case__lead_org", "case__supporting_orgs")),
    # Appeals hold a site owner's contact and explanation; scoped through the review case.
    "feed.appeal": (Perm.MANAGE_FEED, ("case__lead_org", "case__supporting_orgs")),
    "exchanges.foreignreport": (Perm.VIEW_CASES, ("case__lead_org", "case__supporting_orgs")),
    "exchanges.referral": (
        Perm.VIEW_REFERRAL_EVENTS,
        ("case__lead_org", "case__supporting_orgs"),
    ),
    # Referrals for support: the referring and the receiving organisation see them.
    "support.referral": (Perm.VIEW_CASES, ("referring_org", "receiving_org")),
    # A hotline link and its delivery log: the hotline's organisation (and coordinators).
    "support.hotlineendpoint": (Perm.VIEW_CASES, ("organisation",)),
    "support.webhookdelivery": (Perm.VIEW_CASES, ("endpoint__organisation",)),
    "support.callnote": (
        Perm.VIEW_CASES,
        ("case__lead_org", "case__supporting_orgs", "organisation"),
    ),
    "dataprotection.subjectrequest": (
        Perm.MANAGE_DATA_PROTECTION,
        ("report__case__lead_org", "report__case__supporting_orgs"),
    ),
    "dataprotection.legalground": (
        Perm.MANAGE_DATA_PROTECTION,
        ("case__lead_org", "case__supporting_orgs"),
    ),
    "dataprotection.consentrecord": (
        Perm.MANAGE_DATA_PROTECTION,
        ("case__lead_org", "case__supporting_orgs"),
    ),
    "dataprotection.breach": (Perm.MANAGE_DATA_PROTECTION, ("organisation",)),
    "stats.rollup": (Perm.VIEW_STATS, ("org",)),
    "stats.durationsummary": (Perm.VIEW_STATS, ("org",)),
}

# Need to know: a case's lead sees all of it; a *supporting* organisation sees its reports (with
# their addresses and the messages to their reporters) only when the case's category says
# "reports" or "evidence", and their evidence (and detection hits on it) only at "evidence"
# (`taxonomy.HarmCategory.supporting_sees`, reference data). model label -> (the path of
# ORG_SCOPES that reaches supporting bodies, the path to the case category's setting, the
# settings that open the row). Network-wide principals are not narrowed.
SEES_REPORTS: frozenset[str] = frozenset({"reports", "evidence"})
SEES_EVIDENCE: frozenset[str] = frozenset({"evidence"})
NEED_TO_KNOW: dict[str, tuple[str, str, frozenset[str]]] = {
    "reports.report": ("case__supporting_orgs", "case__category__supporting_sees", SEES_REPORTS),
    "reports.reporturl": (
        "report__case__supporting_orgs",
        "report__case__category__supporting_sees",
        SEES_REPORTS,
    ),
    "cases.reportmessage": (
        "report__case__supporting_orgs",
        "report__case__category__supporting_sees",
        SEES_REPORTS,
    ),
    "reports.evidence": (
        "report__case__supporting_orgs",
        "report__case__category__supporting_sees",
        SEES_EVIDENCE,
    ),
    "banks.detectionhit": (
        "case__supporting_orgs",
        "case__category__supporting_sees",
        SEES_EVIDENCE,
    ),
    # Removal requests and referrals quote the reports (addresses, accounts, uploaders).
    "takedowns.removalrequest": (
        "case__supporting_orgs",
        "case__category__supporting_sees",
        SEES_REPORTS,
    ),
    "takedowns.removalitem": (
        "request__case__supporting_orgs",
        "request__case__category__supporting_sees",
        SEES_REPORTS,
    ),
    "exchanges.referral": (
        "case__supporting_orgs",
        "case__category__supporting_sees",
        SEES_REPORTS,
    ),
    "exchanges.foreignreport": (
        "case__supporting_orgs",
        "case__category__supporting_sees",
        SEES_REPORTS,
    ),
}

# What an organisation's API key sees of a model: label -> (permission, path from a row to the
# key's organisation). A partner reads back the reports it submitted itself, nothing else.
API_KEY_SCOPES: dict[str, tuple[Perm, str]] = {
    "reports.report": (Perm.SUBMIT_REPORTS, "partner"),
}

# --- Volunteer levels -------------------------------------------------------------------------
# What each level of the volunteer network may do, on top of ROLE_PERMS[Role.VOLUNTEER]
# (report through the volunteer form). No level ever sees a case's content, evidence or anyone's
# personal data: none of these grants VIEW_CASES, VIEW_EVIDENCE or VIEW_PEOPLE.
#   new        accepted, training not done: report only (basic trust)
#   trained    required training done: take tasks and report back
#   trusted    reports start with higher trust (triage raises their priority one step)
#   team lead  also reviews applications and posts tasks for their own province
LEVEL_PERMS: dict[str, frozenset[Perm]] = {
    "new": frozenset(),
    "trained": frozenset({Perm.VOLUNTEER_TASKS}),
    "trusted": frozenset({Perm.VOLUNTEER_TASKS, Perm.VOLUNTEER_TRUSTED_REPORT}),
    "team_lead": frozenset(
        {Perm.VOLUNTEER_TASKS, Perm.VOLUNTEER_TRUSTED_REPORT, Perm.LEAD_VOLUNTEERS}
    ),
}
# Volunteers under 18 keep only these (no trusted reports, no leading others); the task kinds
# they may take are limited in volunteers.rules.
MINOR_PERMS: frozenset[Perm] = frozenset(
    {Perm.VIEW_STAFF_AREA, Perm.VOLUNTEER_REPORT, Perm.VOLUNTEER_TASKS}
)
# Given by the role, never to volunteers: they belong to the Network's own staff.
VOLUNTEER_ONLY_PERMS: frozenset[Perm] = frozenset(
    {Perm.VOLUNTEER_TASKS, Perm.VOLUNTEER_TRUSTED_REPORT}
)


# Records of the volunteer network are scoped by province, not by organisation: coordinators
# (MANAGE_VOLUNTEERS) see every row, a team lead (LEAD_VOLUNTEERS) the rows of their province.
# model label -> path from a row to its province code
VOLUNTEER_SCOPES: dict[str, str] = {
    "volunteers.application": "province",
    "volunteers.volunteer": "province",
    "volunteers.task": "province",
    "volunteers.assignment": "task__province",
    "volunteers.guardianconsent": "application__province",
}

# --- Second sign-in step ------------------------------------------------------------------------
# Models of ORG_SCOPES whose rows are cases, evidence or someone's personal data (the other
# scoped models are organisations' business: products, campaigns, statistics).
PERSONAL_DATA_MODELS: frozenset[str] = frozenset(
    {
        "accounts.user",
        "network.contactpoint",
        "cases.case",
        "reports.report",
        "reports.evidence",
        "reports.reporturl",
        "cases.reportmessage",
        "banks.detectionhit",
        "takedowns.removalrequest",
        "takedowns.removalitem",
        "violators.platformaccount",
        "violators.accountsighting",
        "violators.accountsuspension",
        "feed.feedentry",
        "feed.appeal",
        "exchanges.referral",
        "exchanges.foreignreport",
        "support.referral",
        "support.webhookdelivery",
        "support.callnote",
        "dataprotection.subjectrequest",
        "dataprotection.legalground",
        "dataprotection.consentrecord",
        "dataprotection.breach",
    }
)
# Whoever holds one of these sees cases, evidence or personal data, and signs in with a second
# factor (accounts.second_factor): the permissions that open those models, the volunteer
# network's records (applicants' personal data, by province) and the case-only extras.
SECOND_FACTOR_PERMS: frozenset[Perm] = (
    frozenset(ORG_SCOPES[label][0] for label in PERSONAL_DATA_MODELS)
    | {Perm.MANAGE_VOLUNTEERS, Perm.LEAD_VOLUNTEERS}
    | {Perm.REVEAL_EVIDENCE, Perm.VIEW_REPORTER_CONTACT, Perm.HOTLINE_INTAKE, Perm.VIEW_AUDIT}
    | {Perm.MANAGE_EXCHANGES}
)


def needs_second_factor(principal: Principal | None) -> bool:
    """Must this person complete a second sign-in step? Everyone who may see cases, evidence or
    personal data (SECOND_FACTOR_PERMS), and anyone who may open the admin site."""
    if not is_active_person(principal):
        return False
    if principal.is_superuser or principal.is_staff:
        return True
    return any(has_perm(principal, perm) for perm in SECOND_FACTOR_PERMS)


class VolunteerFacts(Protocol):
    """What accounts needs to know of a volunteer (`volunteers.rules.VolunteerFacts`)."""

    @property
    def level(self) -> str: ...
    @property
    def active(self) -> bool: ...
    @property
    def minor(self) -> bool: ...
    @property
    def province(self) -> str: ...


def _no_volunteer_profile(user: User) -> VolunteerFacts | None:
    return None


# The facts about a volunteer account, or None without a volunteer profile. The volunteers app
# hands its lookup over in VolunteersConfig.ready(): accounts sits below volunteers, so it is
# given the function instead of importing it.
_volunteer_facts: Callable[[User], VolunteerFacts | None] = _no_volunteer_profile


def register_volunteer_facts(lookup: Callable[[User], VolunteerFacts | None]) -> None:
    global _volunteer_facts
    _volunteer_facts = lookup


def volunteer_facts(user: User) -> VolunteerFacts | None:
    """The volunteer's facts (see `volunteers.rules.VolunteerFacts`), or None."""
    return _volunteer_facts(user)


def lead_province(principal: Principal | None) -> str | None:
    """The province a team lead leads, or None."""
    if not has_perm(principal, Perm.LEAD_VOLUNTEERS) or not is_active_person(principal):
        return None
    if principal.role != Role.VOLUNTEER:
        return None
    found = volunteer_facts(principal)
    return found.province if found else None


# What a volunteer sees as a volunteer (not as a team lead): model label -> path from a row to
# the volunteer's account. Tasks are also seen when they are open to the volunteer's province
# (or nationwide); whether the volunteer may take one is volunteers.services.work's rule.
VOLUNTEER_OWN_ROWS: dict[str, str] = {
    "volunteers.volunteer": "user",
    "volunteers.task": "assignments__volunteer__user",
    "volunteers.assignment": "volunteer__user",
}


def _volunteer_scope(principal: Principal | None, queryset: QuerySet[M], path: str) -> QuerySet[M]:
    if has_perm(principal, Perm.MANAGE_VOLUNTEERS):
        return queryset
    label = queryset.model._meta.label_lower
    condition = Q(pk__in=[])
    province = lead_province(principal)
    if province:
        condition |= Q(**{path: province})
    if (
        label in VOLUNTEER_OWN_ROWS
        and is_active_person(principal)
        and has_perm(principal, Perm.VOLUNTEER_REPORT)
    ):
        own = queryset.model._default_manager.filter(**{VOLUNTEER_OWN_ROWS[label]: principal.pk})
        condition |= Q(pk__in=own.values("pk"))
        if label == "volunteers.task" and has_perm(principal, Perm.VOLUNTEER_TASKS):
            found = volunteer_province(principal)
            condition |= Q(province="") | (Q(province=found) if found else Q(pk__in=[]))
    return queryset.filter(condition)


def volunteer_province(principal: Principal | None) -> str | None:
    """The province of a volunteer's profile, or None."""
    if not is_active_person(principal) or principal.role != Role.VOLUNTEER:
        return None
    found = volunteer_facts(principal)
    return found.province if found else None


def volunteer_perms(user: User) -> frozenset[Perm]:
    """The role's permissions plus the level's; nothing once the volunteer is suspended or gone.

    A volunteer account without a profile (made by an administrator before the volunteers app)
    keeps the role's permissions only. Cached on the user object for the request."""
    cached = getattr(user, "_volunteer_perms", None)
    if cached is not None:
        return cached
    base = ROLE_PERMS[Role.VOLUNTEER]
    found = volunteer_facts(user)
    if found is None:
        perms = base
    elif not found.active:
        perms = frozenset()
    else:
        perms = base | LEVEL_PERMS.get(found.level, frozenset())
        if found.minor:
            perms = perms & MINOR_PERMS
    setattr(user, "_volunteer_perms", perms)  # noqa: B010  (a per-request cache, not a field)
    return perms


def is_api_key(principal: object) -> TypeIs[ApiKey]:
    return bool(getattr(principal, "is_api_key", False))


def is_active_person(principal: object) -> TypeGuard[User]:
    return bool(
        principal is not None
        and getattr(principal, "is_authenticated", False)
        and getattr(principal, "is_active", False)
        and not is_api_key(principal)
    )


def is_platform_staff(principal: Principal | None) -> bool:
    """Does the person work for a platform: an organisation linked to a platform of the
    removal-request registry, or any organisation of the kind "enterprise or platform"?"""
    org_id = getattr(principal, "organisation_id", None)
    if org_id is None:
        return False
    from copnet.network.choices import OrganisationKind
    from copnet.network.models import Organisation

    return (
        Organisation.objects.filter(pk=org_id)
        .filter(Q(kind=OrganisationKind.ENTERPRISE) | Q(platforms__isnull=False))
        .exists()
    )


def has_perm(principal: Principal | None, perm: Perm) -> bool:
    if is_api_key(principal):
        return principal.is_active and perm in API_KEY_PERMS
    if not is_active_person(principal):
        return False
    if principal.is_superuser:
        return True
    if principal.organisation_id is None:
        return False
    if principal.role == Role.VOLUNTEER:
        granted = perm in volunteer_perms(principal)
    elif perm in VOLUNTEER_ONLY_PERMS:
        return False
    else:
        granted = perm in ROLE_PERMS.get(principal.role, frozenset())
    if granted and perm in NOT_FOR_PLATFORM_STAFF:
        return not is_platform_staff(principal)
    return granted


def has_network_wide_scope(principal: Principal | None) -> bool:
    """Coordinators, and analysts of the body that is the standing agency today, see everything."""
    if not is_active_person(principal):
        return False
    if principal.is_superuser or principal.role in (
        Role.COORDINATOR,
        Role.DATA_PROTECTION_OFFICER,
    ):
        return True
    if principal.role != Role.ANALYST or principal.organisation_id is None:
        return False
    from copnet.network.models import Membership

    return (
        Membership.objects.valid_on(timezone.localdate())
        .filter(organisation_id=principal.organisation_id, role=NetworkRole.STANDING_AGENCY)
        .exists()
    )


def within_scope(principal: Principal | None, organisation_id: int | None) -> bool:
    """May the principal see an organisation's private records at all (its own, or all)?"""
    if has_network_wide_scope(principal):
        return True
    own = getattr(principal, "organisation_id", None)
    return own is not None and own == organisation_id


def visible_to(principal: Principal | None, queryset: QuerySet[M]) -> QuerySet[M]:
    label = queryset.model._meta.label_lower
    if label in VOLUNTEER_SCOPES:
        return _volunteer_scope(principal, queryset, VOLUNTEER_SCOPES[label])
    if is_api_key(principal) and label in API_KEY_SCOPES:
        key_perm, path = API_KEY_SCOPES[label]
        if not has_perm(principal, key_perm):
            return queryset.none()
        return queryset.filter(**{path: principal.organisation_id})
    if label not in ORG_SCOPES:
        raise LookupError(f"{label} has no access scope in accounts.permissions.ORG_SCOPES")
    perm, paths = ORG_SCOPES[label]
    if not has_perm(principal, perm):
        return queryset.none()
    if has_network_wide_scope(principal):
        return queryset
    org_id = getattr(principal, "organisation_id", None)  # a person's or an API key's
    if org_id is None:
        return queryset.none()
    narrowed = NEED_TO_KNOW.get(label)
    condition = Q()
    for path in paths:
        reach = Q(**{path: org_id})
        if narrowed is not None and path == narrowed[0]:
            reach &= Q(**{f"{narrowed[1]}__in": sorted(narrowed[2])})
        condition |= reach
    return queryset.filter(condition).distinct() if len(paths) > 1 else queryset.filter(condition)


def sees_case_evidence(principal: Principal | None, case: Case) -> bool:
    """May the principal see a case's evidence and the detection hits on it (NEED_TO_KNOW):
    network-wide principals and the lead's people, a supporting body's only when the case's
    category says "evidence"."""
    if not has_perm(principal, Perm.VIEW_EVIDENCE):
        return False
    if has_network_wide_scope(principal):
        return True
    org_id = getattr(principal, "organisation_id", None)
    if org_id is None:
        return False
    if case.lead_org_id == org_id:
        return True
    return (
        case.category.supporting_sees in SEES_EVIDENCE
        and case.supporting_orgs.filter(pk=org_id).exists()
    )


def access(principal: Principal | None, queryset: QuerySet[M], **lookup: Any) -> M:
    """Fetch one row the principal may see, or raise Http404 (missing and forbidden alike)."""
    try:
        return visible_to(principal, queryset).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
