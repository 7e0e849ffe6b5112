"""Bulk re-routing of open cases after the routing changed (a new version of the reference
data, a body that ended). Open cases keep their lead until a coordinator re-routes them here.
It lives in cases, above routing: it moves cases (`services.do_reassign`); its page keeps the
address /staff/routing/reroute/ (copnet/urls.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from copnet.accounts.permissions import visible_to
from copnet.audit.choices import AuditAction
from copnet.audit.services import record
from copnet.routing.errors import RerouteError, RoutingErrorCode
from copnet.routing.services import Route, Router

from .errors import WorkflowError
from .models import Case
from .services import do_reassign

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal


@dataclass
class Proposal:
    case: Case
    route: Route
    lead_ended: bool


def cases_to_reroute(principal: Principal | None) -> list[Proposal]:
    """Open cases the principal may see whose lead is not the one routing gives today."""
    router = Router()
    proposals = []
    cases = (
        visible_to(principal, Case.objects.open())
        .select_related("category", "lead_org")
        .order_by("created_at")
    )
    for case in cases:
        found = router.route(category=case.category, platform=case.platform, province=case.province)
        if found is None or found.lead.pk == case.lead_org_id:
            continue
        ended = case.lead_org is not None and not case.lead_org.is_active_on(router.day)
        proposals.append(Proposal(case=case, route=found, lead_ended=ended))
    return proposals


def do_reroute_cases(
    *, principal: Principal | None, references: Iterable[str], reason: str
) -> list[Case]:
    """Give each chosen case the lead and supporting bodies routing gives today.

    All or nothing: a reference that is unknown, hidden from the principal, closed or already
    routed right refuses the whole batch. Each case gets its own reassignment event and audit
    row (`cases.services.do_reassign`), and the batch one more audit row."""
    wanted = sorted(set(references))
    if not wanted:
        raise RerouteError(RoutingErrorCode.NO_CASES, _("Choose at least one case to re-route."))
    if not reason.strip():
        raise RerouteError(
            RoutingErrorCode.REASON_REQUIRED, _("Give a reason for the reassignment.")
        )
    proposals = {p.case.reference: p for p in cases_to_reroute(principal)}
    if any(ref not in proposals for ref in wanted):
        raise RerouteError(
            RoutingErrorCode.NOT_REROUTABLE,
            _("Some of the chosen cases cannot be re-routed any more. Reload the page."),
        )
    done = []
    with transaction.atomic():
        for ref in wanted:
            proposal = proposals[ref]
            try:
                done.append(
                    do_reassign(
                        case=proposal.case,
                        lead=proposal.route.lead,
                        supporting=proposal.route.supporting,
                        reason=reason,
                        actor=principal,
                    )
                )
            except WorkflowError as error:
                raise RerouteError(RoutingErrorCode.CASE_REFUSED, error.message) from error
        record(
            actor=principal,
            action=AuditAction.UPDATE,
            target_type="cases.case",
            target_id="bulk-reroute",
            changes={
                "cases": wanted,
                "leads": {c.reference: c.lead_org.code if c.lead_org else None for c in done},
            },
            reason="cases re-routed to today's routing",
            note=reason,
        )
    return done
