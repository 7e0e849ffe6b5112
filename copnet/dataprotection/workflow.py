"""Statuses of data-subject requests and breaches in the `core.workflow` idiom."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from copnet.accounts.permissions import Perm
from copnet.core.workflow import Machine, Refusal, Transition

from .choices import BreachStatus as B
from .choices import RequestStatus as R
from .errors import DataProtectionErrorCode as E


@dataclass(frozen=True)
class Answer:
    answer: str = ""
    ground: str = ""
    reference: str = ""
    needs_text: bool = True


def _answer_text(ctx: Answer) -> Refusal | None:
    if ctx.needs_text and not ctx.answer.strip():
        return Refusal(E.ANSWER_REQUIRED, E.ANSWER_REQUIRED.label, "answer")
    return None


def _ground(ctx: Answer) -> Refusal | None:
    return None if ctx.ground else Refusal(E.GROUND_REQUIRED, E.GROUND_REQUIRED.label, "ground")


def _reference(ctx: Answer) -> Refusal | None:
    if ctx.reference.strip():
        return None
    return Refusal(E.NOTIFICATION_REFERENCE, E.NOTIFICATION_REFERENCE.label, "reference")


def _reason(ctx: Answer) -> Refusal | None:
    if ctx.answer.strip():
        return None
    return Refusal(E.REASON_REQUIRED, E.REASON_REQUIRED.label, "answer")


_P = Perm.MANAGE_DATA_PROTECTION

REQUEST: Machine[Answer] = Machine(
    "subject_request",
    dict(R.choices),
    [
        Transition(R.RECEIVED, R.ANSWERED, "answer", _("Answer"), _P, requires=(_answer_text,)),
        Transition(
            R.RECEIVED,
            R.REFUSED,
            "refuse",
            _("Refuse on a legal ground"),
            _P,
            requires=(_ground, _answer_text),
        ),
    ],
    refused=lambda current, target: (
        _("A request that is %(current)s cannot become %(target)s.")
        % {"current": R(current).label, "target": R(target).label}
    ),
)

BREACH: Machine[Answer] = Machine(
    "breach",
    dict(B.choices),
    [
        Transition(
            B.DETECTED,
            B.AUTHORITY_NOTIFIED,
            "notify",
            _("Authority notified"),
            _P,
            requires=(_reference,),
        ),
        Transition(
            B.DETECTED,
            B.NOT_NOTIFIABLE,
            "assess",
            _("No notification needed"),
            _P,
            requires=(_reason,),
        ),
        Transition(B.AUTHORITY_NOTIFIED, B.CLOSED, "close", _("Close"), _P),
        Transition(B.NOT_NOTIFIABLE, B.CLOSED, "close", _("Close"), _P),
    ],
    refused=lambda current, target: (
        _("A breach that is %(current)s cannot become %(target)s.")
        % {"current": B(current).label, "target": B(target).label}
    ),
)
