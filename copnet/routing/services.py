"""Which organisation leads a case, and which support it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change
from copnet.core.reference import read_versions
from copnet.network.choices import NetworkRole
from copnet.network.models import Membership, Organisation
from copnet.taxonomy.models import HarmCategory
from copnet.taxonomy.services import REFERENCE_FILE as CATEGORIES_FILE

from .models import ProvincialRole, ProvincialRule, RoutingRule

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal


@dataclass
class Route:
    lead: Organisation
    supporting: list[Organisation] = field(default_factory=list)
    rule: RoutingRule | None = None
    # The provincial units the case's province added (ProvincialRule), lead or supporting.
    provincial: list[Organisation] = field(default_factory=list)


def standing_agency(day: dt.date | None = None) -> Organisation | None:
    membership = (
        Membership.objects.valid_on(day or timezone.localdate())
        .filter(role=NetworkRole.STANDING_AGENCY)
        .select_related("organisation")
        .first()
    )
    return membership.organisation if membership else None


def _normalise_platform(platform: str) -> str:
    return platform.strip().lower()


class Router:
    """The active rules valid on a day (default today), read once: routes many cases without a
    query per case.

    Rules carry validity dates, so a past day keeps the routing of its time: the reference data
    ends a category's old lead with a dated rule when a body was reorganised (`taxonomy`
    loader), and the category's default lead is today's."""

    def __init__(self, on: dt.date | None = None) -> None:
        self.day = on or timezone.localdate()
        self._rules: dict[int, list[RoutingRule]] = {}
        for rule in (
            RoutingRule.objects.filter(is_active=True)
            .filter(
                Q(valid_from__isnull=True) | Q(valid_from__lte=self.day),
                Q(valid_to__isnull=True) | Q(valid_to__gte=self.day),
            )
            .select_related("lead")
            .prefetch_related("supporting")
        ):
            self._rules.setdefault(rule.category_id, []).append(rule)
        self._defaults: dict[int, tuple[Organisation, list[Organisation]]] = {}
        self._fallback: Organisation | None = None
        self._fallback_read = False
        self._provincial: dict[int, list[ProvincialRule]] = {}
        for provincial in ProvincialRule.objects.filter(is_active=True).filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=self.day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=self.day),
        ):
            self._provincial.setdefault(provincial.category_id, []).append(provincial)
        self._units: dict[tuple[str, str], Organisation] | None = None

    def provincial_unit(self, service: str, province: str) -> Organisation | None:
        """The body of this kind serving `province` on the day (the first by code), or None."""
        if self._units is None:
            self._units = {}
            for org in (
                Organisation.objects.exclude(provincial_service="")
                .exclude(province="")
                .order_by("-code")
            ):
                if org.is_active_on(self.day):
                    self._units[(org.provincial_service, org.province)] = org
        return self._units.get((service, province))

    def _active(self, organisations: Iterable[Organisation]) -> list[Organisation]:
        """Supporting bodies that exist on the day: one that ended is not asked to help."""
        return [org for org in organisations if org.is_active_on(self.day)]

    def route(
        self, *, category: HarmCategory, platform: str = "", province: str = ""
    ) -> Route | None:
        found = self._national(category=category, platform=platform, province=province)
        rules = self._provincial.get(category.pk, []) if province else []
        if found is None or not rules:
            return found
        lead, supporting = found.lead, list(found.supporting)
        units: list[Organisation] = []
        led = False
        for rule in sorted(rules, key=lambda r: (r.role != ProvincialRole.LEAD, r.service)):
            unit = self.provincial_unit(rule.service, province)
            if unit is None or unit in units:
                continue
            units.append(unit)
            if rule.role == ProvincialRole.LEAD and not led:
                # The unit leads; the national lead supports it.
                supporting = [lead, *(org for org in supporting if org != unit)]
                lead, led = unit, True
            elif unit != lead and unit not in supporting:
                supporting.append(unit)
        return Route(lead=lead, supporting=supporting, rule=found.rule, provincial=units)

    def _national(self, *, category: HarmCategory, platform: str, province: str) -> Route | None:
        """The lead and supporting bodies of the most specific rule, or of the category."""
        platform = _normalise_platform(platform)
        rules = [
            rule
            for rule in self._rules.get(category.pk, [])
            if rule.platform.lower() in {"", platform} and rule.province in {"", province}
        ]
        if rules:
            best = max(rules, key=lambda r: (bool(r.platform), bool(r.province)))
            return Route(lead=best.lead, supporting=self._active(best.supporting.all()), rule=best)
        if category.pk in self._defaults:
            lead, supporting = self._defaults[category.pk]
            return Route(lead=lead, supporting=supporting)
        default_lead = category.default_lead if category.default_lead_id else None
        if default_lead is not None:
            self._defaults[category.pk] = (
                default_lead,
                self._active(category.default_supporting.all()),
            )
            return Route(lead=default_lead, supporting=self._defaults[category.pk][1])
        if not self._fallback_read:
            self._fallback, self._fallback_read = standing_agency(self.day), True
        return Route(lead=self._fallback) if self._fallback else None


def route(
    *, category: HarmCategory, platform: str = "", province: str = "", on: dt.date | None = None
) -> Route | None:
    return Router(on).route(category=category, platform=platform, province=province)


def do_save_rule(
    *, rule: RoutingRule, supporting: Iterable[Organisation], actor: Principal | None
) -> RoutingRule:
    with transaction.atomic():
        creating = rule.pk is None
        rule.platform = _normalise_platform(rule.platform)
        rule.full_clean()
        rule.save()
        rule.supporting.set(supporting)
        record_change(
            actor=actor,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            target=rule,
            changes={
                "lead": rule.lead.code,
                "supporting": [o.code for o in supporting],
                "platform": rule.platform,
                "province": rule.province,
                "active": rule.is_active,
                "valid_from": str(rule.valid_from) if rule.valid_from else None,
                "valid_to": str(rule.valid_to) if rule.valid_to else None,
            },
        )
    return rule


def load_past_leads(path: Path = CATEGORIES_FILE) -> int:
    """The leads of the past in the taxonomy's reference file (a category's `history`), each
    kept as a dated category-wide rule, so past days keep past routing. Needs the Network
    directory and the categories loaded first (`taxonomy.services.load_categories`).
    Idempotent; returns how many rules it created."""
    versions = read_versions(path)
    reason = f"reference data version {versions.number}"
    orgs = {org.code: org for org in Organisation.objects.all()}
    categories = {category.code: category for category in HarmCategory.objects.all()}
    created = 0
    with transaction.atomic():
        for row in versions.current["categories"]:
            category = categories.get(row["code"])
            if category is None:
                continue
            for past in row.get("history", []):
                created += _keep_past_lead(category, past, orgs, reason)
    return created


def _keep_past_lead(
    category: HarmCategory,
    past: Mapping[str, Any],
    orgs: Mapping[str, Organisation],
    reason: str,
) -> int:
    """A dated category-wide rule for a lead of the past, unless a rule covers that period."""
    lead = orgs.get(past["lead"])
    if lead is None:
        return 0
    rule = RoutingRule(
        category=category,
        lead=lead,
        valid_from=_date(past.get("valid_from")),
        valid_to=_date(past.get("valid_to")),
        note="Reference data: lead of the time",
    )
    try:
        rule.full_clean()
    except ValidationError:
        return 0  # this period already has a rule (this one from an earlier run, or an edit)
    rule.save()
    rule.supporting.set([orgs[c] for c in past.get("supporting", []) if c in orgs])
    record_change(
        actor=None,
        action=AuditAction.CREATE,
        target=rule,
        changes={
            "lead": lead.code,
            "supporting": sorted(past.get("supporting", [])),
            "valid_from": past.get("valid_from"),
            "valid_to": past.get("valid_to"),
        },
        reason=reason,
    )
    return 1


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


PROVINCIAL_RULES_FILE = Path(__file__).parent / "reference" / "provincial-rules.json"


def load_provincial_rules(path: Path = PROVINCIAL_RULES_FILE) -> int:
    """The reference data's provincial routing (`ProvincialRule`): each missing rule is
    created, unless a rule of the same category and unit covers its period already (an earlier
    run, or a coordinator's). Needs the categories loaded first. Idempotent; returns how many
    rules it created."""
    versions = read_versions(path)
    reason = f"reference data version {versions.number}"
    categories = {category.code: category for category in HarmCategory.objects.all()}
    created = 0
    with transaction.atomic():
        for row in versions.current["rules"]:
            category = categories.get(row["category"])
            if category is None:
                continue
            rule = ProvincialRule(
                category=category,
                service=row["service"],
                role=row.get("role", ProvincialRole.SUPPORTING),
                valid_from=_date(row.get("valid_from")),
                valid_to=_date(row.get("valid_to")),
                note=row.get("note", "")[:300],
            )
            try:
                rule.full_clean()
            except ValidationError:
                continue
            rule.save()
            created += 1
            record_change(
                actor=None,
                action=AuditAction.CREATE,
                target=rule,
                changes={
                    "category": category.code,
                    "service": rule.service,
                    "role": rule.role,
                    "valid_from": row.get("valid_from"),
                },
                reason=reason,
            )
    return created
