"""The removal request workflow in the `core.workflow` idiom: which status may follow which.

A late answer to an expired request is still recorded; expiry is the scheduler's
(`services.expiry.expire_overdue`), never a person's."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from copnet.accounts.permissions import Perm
from copnet.core.workflow import Machine, Transition

from .choices import RequestStatus as R


def _answer(source: str, target: str) -> Transition[Any]:
    return Transition(
        source, target, "answer", label=R(target).label, permission=Perm.REQUEST_REMOVALS
    )


REQUEST: Machine[Any] = Machine(
    "removal_request",
    dict(R.choices),
    [
        Transition(
            R.DRAFT, R.SENT, "send", label=_("Send the request"), permission=Perm.REQUEST_REMOVALS
        ),
        *(_answer(R.SENT, target) for target in (R.ACKNOWLEDGED, R.REMOVED, R.REFUSED)),
        *(_answer(R.ACKNOWLEDGED, target) for target in (R.REMOVED, R.REFUSED)),
        *(_answer(R.EXPIRED, target) for target in (R.REMOVED, R.REFUSED)),
        Transition(R.SENT, R.EXPIRED, "expire", automatic=True),
        Transition(R.ACKNOWLEDGED, R.EXPIRED, "expire", automatic=True),
    ],
    refused=lambda current, target: (
        _("A request that is %(current)s cannot become %(target)s.")
        % {"current": R(current).label, "target": R(target).label}
    ),
)
