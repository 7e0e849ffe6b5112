"""The case workflow, enforced here only: which status may follow which, and what each needs
(`CASE`, in the `core.workflow` idiom)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from copnet.accounts.permissions import Perm
from copnet.core.workflow import Machine, Refusal, Transition

from .choices import REJECTION_OUTCOMES, Outcome
from .choices import CaseStatus as S
from .errors import CaseErrorCode

if TYPE_CHECKING:
    from .models import Case

CONFIRMING_OUTCOMES = frozenset(Outcome.values) - REJECTION_OUTCOMES


@dataclass(frozen=True)
class CaseMove:
    """What the conditions of a case transition read: the locked case and the input."""

    case: Case
    outcome: str = ""
    merge_into: Case | None = None


def _outcome_given(move: CaseMove) -> Refusal | None:
    if move.outcome in Outcome.values:
        return None
    return Refusal(CaseErrorCode.OUTCOME_REQUIRED, _("Choose an outcome to close the case."))


def _rejection_reason_given(move: CaseMove) -> Refusal | None:
    if move.outcome in REJECTION_OUTCOMES:
        return None
    return Refusal(
        CaseErrorCode.REJECTION_REASON_REQUIRED,
        _("Say why the case is rejected: not harmful or out of scope."),
    )


def _open_merge_target(move: CaseMove) -> Refusal | None:
    target = move.merge_into
    if target is None:
        return Refusal(
            CaseErrorCode.MERGE_TARGET_REQUIRED, _("Choose another open case to merge into.")
        )
    if target.pk == move.case.pk:
        return Refusal(CaseErrorCode.MERGE_SAME_CASE, _("A case cannot be merged into itself."))
    if not target.is_open:
        return Refusal(
            CaseErrorCode.MERGE_TARGET_CLOSED, _("A case can only be merged into an open case.")
        )
    return None


def _move(source: str, target: str, name: str, **extra: Any) -> Transition[CaseMove]:
    requires = {
        S.CLOSED: (_outcome_given,),
        S.REJECTED: (_rejection_reason_given,),
        S.MERGED: (_open_merge_target,),
    }.get(S(target), ())
    return Transition(
        source,
        target,
        name,
        label=S(target).label,
        permission=Perm.WORK_CASES,
        requires=requires,
        **extra,
    )


_OPEN_BEFORE_ACTION = (S.NEW, S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS)

CASE: Machine[CaseMove] = Machine(
    "case",
    dict(S.choices),
    [
        _move(S.NEW, S.TRIAGED, "triage"),
        _move(S.TRIAGED, S.ASSIGNED, "assign"),
        # Reassigning an untriaged case assigns it at once (services.do_reassign).
        _move(S.NEW, S.ASSIGNED, "assign", automatic=True),
        _move(S.ASSIGNED, S.IN_PROGRESS, "start"),
        _move(S.IN_PROGRESS, S.ACTION_TAKEN, "act"),
        _move(S.ACTION_TAKEN, S.CLOSED, "close"),
        _move(S.ACTION_TAKEN, S.IN_PROGRESS, "reopen"),
        *(_move(source, S.REJECTED, "reject") for source in _OPEN_BEFORE_ACTION),
        *(_move(source, S.MERGED, "merge") for source in _OPEN_BEFORE_ACTION),
    ],
    refused=lambda current, target: (
        _("A case cannot go from “%(current)s” to “%(target)s”.")
        % {"current": S(current).label, "target": S(target).label}
    ),
)


def confirms_harm(case: Any) -> bool:
    """A closed case whose harm was confirmed: only such a case feeds the confirmed hash bank
    (`banks.services`) and the block list (`feed.services`); not one closed as not harmful or
    out of scope."""
    return case.status == S.CLOSED and case.outcome in CONFIRMING_OUTCOMES


# What the reporter sees on the status page for each status.
PUBLIC_STATUS = {
    S.NEW: _("We have received your report."),
    S.TRIAGED: _("We are looking at your report."),
    S.ASSIGNED: _("Your report has been passed to the organisation that handles it."),
    S.IN_PROGRESS: _("Your report is being handled."),
    S.ACTION_TAKEN: _("Action has been taken on your report."),
    S.CLOSED: _("Your report is closed. Thank you for helping keep children safe."),
    S.REJECTED: _("We checked your report and could not act on it."),
    S.MERGED: _("Your report is being handled together with other reports of the same thing."),
}
