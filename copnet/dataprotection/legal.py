"""Which legal grounds bind a case now: recorded ones (`LegalGround`, not released) and the one
the casework implies (an open case referred to the police is under police investigation). The
retention purge is held only by recorded grounds: a closed case's referral may be long over."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from copnet.cases.choices import OPEN_STATUSES, ActionKind, Outcome
from copnet.cases.models import Case

from .choices import KEEPING_GROUNDS, Ground
from .models import LegalGround

POLICE_REFERRAL_BASIS = "Law on Children 2016, Art. 50; Criminal Procedure Code, Art. 144"


@dataclass(frozen=True)
class BindingGround:
    ground: str
    basis: str

    @property
    def keeps_data(self) -> bool:
        return self.ground in KEEPING_GROUNDS

    @property
    def label(self) -> str:
        return str(Ground(self.ground).label)


def grounds_for(case: Case) -> list[BindingGround]:
    found = [
        BindingGround(row.ground, row.basis)
        for row in LegalGround.objects.filter(case=case, released_at__isnull=True)
    ]
    referred = case.status in OPEN_STATUSES and (
        case.outcome == Outcome.REFERRED_TO_POLICE
        or case.actions.filter(kind=ActionKind.REFERRED_TO_POLICE).exists()
    )
    if referred and not any(g.ground == Ground.POLICE_INVESTIGATION for g in found):
        found.append(BindingGround(Ground.POLICE_INVESTIGATION, POLICE_REFERRAL_BASIS))
    # Keeping grounds first: they decide what a deletion leaves.
    return sorted(found, key=lambda g: (not g.keeps_data, g.ground))


def held_case_ids(case_ids: Iterable[int] | None = None) -> set[int]:
    """Cases whose data a recorded legal hold or police investigation keeps (the retention
    purge leaves them alone until the ground is released)."""
    recorded = LegalGround.objects.filter(released_at__isnull=True, ground__in=KEEPING_GROUNDS)
    if case_ids is not None:
        recorded = recorded.filter(case_id__in=list(case_ids))
    return set(recorded.values_list("case_id", flat=True))
