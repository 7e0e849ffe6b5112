"""The referral workflow in the `core.workflow` idiom.

The receiving body answers (accept or decline), records the assessment and intervention, the
support plan and the outcome; only the referring organisation withdraws a referral not yet
answered. Which side the actor is on is part of the context (`ReferralMove.sides`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from copnet.accounts.permissions import Perm
from copnet.core.workflow import Machine, Refusal, Transition

from .choices import ReferralStatus as S
from .errors import SupportErrorCode

RECEIVING = "receiving"
REFERRING = "referring"


@dataclass(frozen=True)
class ReferralMove:
    sides: frozenset[str] = field(default_factory=frozenset)
    note: str = ""
    outcome: str = ""


def _receiving(move: ReferralMove) -> Refusal | None:
    if RECEIVING not in move.sides:
        code = SupportErrorCode.NOT_RECEIVING_ORG
        return Refusal(code, code.label)
    return None


def _referring(move: ReferralMove) -> Refusal | None:
    if REFERRING not in move.sides:
        code = SupportErrorCode.NOT_REFERRING_ORG
        return Refusal(code, code.label)
    return None


def _note(move: ReferralMove) -> Refusal | None:
    if not move.note:
        code = SupportErrorCode.REASON_REQUIRED
        return Refusal(code, code.label, "note")
    return None


def _outcome(move: ReferralMove) -> Refusal | None:
    if not move.outcome:
        code = SupportErrorCode.OUTCOME_REQUIRED
        return Refusal(code, code.label, "outcome")
    return None


def _by_receiver(
    source: str, target: str, name: str, label: object, *extra: object
) -> Transition[ReferralMove]:
    return Transition(
        source,
        target,
        name,
        label=label,
        permission=Perm.WORK_CASES,
        when=(_receiving,),
        requires=extra,  # type: ignore[arg-type]
    )


REFERRAL: Machine[ReferralMove] = Machine(
    "support_referral",
    dict(S.choices),
    [
        _by_receiver(S.SENT, S.ACCEPTED, "accept", _("Accept the referral")),
        _by_receiver(S.SENT, S.DECLINED, "decline", _("Decline the referral"), _note),
        _by_receiver(
            S.ACCEPTED, S.ASSESSED, "assess", _("Record the assessment and intervention"), _note
        ),
        _by_receiver(S.ASSESSED, S.PLANNED, "plan", _("Record the support plan"), _note),
        _by_receiver(S.ASSESSED, S.CLOSED, "close", _("Close with an outcome"), _outcome),
        _by_receiver(S.PLANNED, S.CLOSED, "close", _("Close with an outcome"), _outcome),
        Transition(
            S.SENT,
            S.WITHDRAWN,
            "withdraw",
            label=_("Withdraw the referral"),
            permission=Perm.REFER_FOR_SUPPORT,
            when=(_referring,),
            requires=(_note,),
        ),
    ],
    refused=lambda current, target: (
        _("A referral that is “%(current)s” cannot become “%(target)s”.")
        % {"current": S(current).label, "target": S(target).label}
    ),
)
