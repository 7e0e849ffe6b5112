"""Proposals to join two open cases, for a person to accept (merge) or reject.

Intake joins a report to an open case only within its category family (cases.joining). After
triage, each case is compared with the other open cases: the same picture (SHA-256) or address
in another family, and nearly identical pictures (PDQ within the detection engine's confident
threshold, `detection.pdq.DEFAULT_THRESHOLD`, hashes of usable quality only) become a
`JoinProposal` shown on both case pages. The newer case is the one merged when a person
accepts. Idempotent: a pair is proposed once, and a rejected pair is not proposed again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from copnet.accounts.permissions import is_active_person
from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change
from copnet.core.text import strip_format_controls
from copnet.detection.pdq import DEFAULT_THRESHOLD, MIN_QUALITY, PdqIndex
from copnet.reports.models import Evidence, ReportUrl

from .choices import OPEN_STATUSES, EventKind, JoinBasis, ProposalStatus
from .corrections import do_merge_cases
from .errors import CaseErrorCode, WorkflowError
from .events import add_event
from .models import Case, JoinProposal

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal

Pair = tuple[int, int]  # (newer case id, older case id)


def _pair(a: int, b: int) -> Pair:
    return (max(a, b), min(a, b))


def _shared(
    model: type[ReportUrl] | type[Evidence],
    column: str,
    cases: dict[int, Case],
    basis: str,
    found: dict[Pair, tuple[str, int | None]],
) -> None:
    """Pairs of open cases of different families holding the same value of `column`."""
    mine = model.objects.filter(report__case_id__in=list(cases)).exclude(**{column: ""})
    values = set(mine.values_list(column, flat=True))
    if not values:
        return
    rows = (
        model.objects.filter(**{f"{column}__in": values}, report__case__status__in=OPEN_STATUSES)
        .values_list(
            column,
            "report__case_id",
            "report__case__category__family",
            "report__case__category__code",
        )
        .order_by()
    )
    holders: dict[str, set[tuple[int, str]]] = {}
    for value, case_id, family, code in rows:
        holders.setdefault(value, set()).add((case_id, family or f"code:{code}"))
    for held in holders.values():
        for case_id, family in held:
            if case_id not in cases:
                continue
            for other_id, other_family in held:
                if other_id != case_id and other_family != family:
                    found.setdefault(_pair(case_id, other_id), (basis, None))


def _near_duplicates(cases: dict[int, Case], found: dict[Pair, tuple[str, int | None]]) -> None:
    usable = Q(pdq_quality__gte=MIN_QUALITY) | Q(pdq_quality__isnull=True)
    queries = list(
        Evidence.objects.filter(report__case_id__in=list(cases), purged_at__isnull=True)
        .exclude(pdq="")
        .filter(usable)
        .values_list("pdq", "sha256", "report__case_id")
    )
    if not queries:
        return
    index: PdqIndex[tuple[int, str]] = PdqIndex(
        (pdq, (case_id, sha))
        for pdq, sha, case_id in Evidence.objects.filter(
            report__case__status__in=OPEN_STATUSES, purged_at__isnull=True
        )
        .exclude(pdq="")
        .filter(usable)
        .values_list("pdq", "sha256", "report__case_id")
        .iterator(chunk_size=5000)
    )
    answers = index.query_many([pdq for pdq, _sha, _case in queries], threshold=DEFAULT_THRESHOLD)
    for (_pdq, sha, case_id), matches in zip(queries, answers, strict=True):
        for match in matches:
            other_id, other_sha = match.entry
            if other_id == case_id or (other_sha and other_sha == sha):
                continue  # the same file: joined, or proposed as the same picture
            pair = _pair(case_id, other_id)
            if pair not in found or (found[pair][1] or 999) > match.distance:
                found[pair] = (JoinBasis.NEAR_DUPLICATE, match.distance)


def propose_joins_now(case_ids: Sequence[int]) -> int:
    """Write the proposals for these cases; returns how many are new."""
    cases = {c.pk: c for c in Case.objects.filter(pk__in=case_ids, status__in=OPEN_STATUSES)}
    if not cases:
        return 0
    found: dict[Pair, tuple[str, int | None]] = {}
    _shared(ReportUrl, "url_key", cases, JoinBasis.SAME_URL, found)
    _shared(Evidence, "sha256", cases, JoinBasis.SAME_IMAGE, found)
    _near_duplicates(cases, found)
    if not found:
        return 0
    known = set(
        JoinProposal.objects.filter(
            Q(case_id__in=list(cases)) | Q(other_id__in=list(cases))
        ).values_list("case_id", "other_id")
    )
    new = [
        JoinProposal(case_id=newer, other_id=older, basis=basis, distance=distance)
        for (newer, older), (basis, distance) in sorted(found.items())
        if (newer, older) not in known and (older, newer) not in known
    ]
    with transaction.atomic():
        created = JoinProposal.objects.bulk_create(new, ignore_conflicts=True)
    return len(created)


def pending_for(case: Case) -> list[JoinProposal]:
    return list(
        JoinProposal.objects.filter(Q(case=case) | Q(other=case), status=ProposalStatus.PENDING)
        .select_related("case", "other")
        .order_by("created_at", "pk")
    )


def do_decide_proposal(
    *, proposal: JoinProposal, accept: bool, actor: Principal | None, reason: str = ""
) -> JoinProposal:
    """Accept (the newer case is merged into the older) or reject (they stay apart)."""
    note = strip_format_controls(reason or "").strip()
    with transaction.atomic():
        locked = JoinProposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.status != ProposalStatus.PENDING:
            raise WorkflowError(
                CaseErrorCode.PROPOSAL_DECIDED, _("This proposal has already been decided.")
            )
        if accept:
            do_merge_cases(
                case=locked.case,
                into=locked.other,
                actor=actor,
                reason=note or _("Joining proposal accepted."),
            )
        locked.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.REJECTED
        locked.decided_at = timezone.now()
        locked.decided_by = actor if is_active_person(actor) else None
        locked.save(update_fields=["status", "decided_at", "decided_by"])
        data = {
            "case": locked.case.reference,
            "other": locked.other.reference,
            "basis": locked.basis,
            "accepted": accept,
        }
        for case in (locked.case, locked.other):
            add_event(case, kind=EventKind.PROPOSAL, actor=actor, text=note, data=data)
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=locked,
            changes={"status": [ProposalStatus.PENDING, locked.status]},
            reason="joining proposal decided",
            note=note,
        )
    return locked
