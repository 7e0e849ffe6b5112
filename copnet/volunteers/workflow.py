"""The volunteer network's state machines in the `core.workflow` idiom: applications,
volunteers' access, tasks and assignments. Who may act (a coordinator, the team lead of the
province, the volunteer themself) is decided by the services; these say which status may follow
which, and pages offer what `allowed_next()` returns."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from copnet.accounts.permissions import Perm
from copnet.core.workflow import Machine, Transition

from .choices import ApplicationStatus as A
from .choices import AssignmentStatus as AS
from .choices import TaskStatus as T
from .choices import VolunteerStatus as V

# A decision on an application: the form's value → the status it leads to.
DECISIONS = {"accept": A.ACCEPTED, "reject": A.REJECTED, "more_info": A.MORE_INFO}


def _decisions(source: str) -> list[Transition[Any]]:
    return [Transition(source, target, name) for name, target in DECISIONS.items()]


APPLICATION: Machine[Any] = Machine(
    "application",
    dict(A.choices),
    [
        *_decisions(A.PENDING),
        *_decisions(A.MORE_INFO),  # another question is allowed while waiting for a reply
        Transition(A.MORE_INFO, A.PENDING, "reply", automatic=True),  # the applicant's link
    ],
    refused=lambda current, target: _("This application was already decided."),
)


def _access(source: str, target: str, name: str) -> Transition[Any]:
    return Transition(source, target, name, permission=Perm.MANAGE_VOLUNTEERS)


VOLUNTEER: Machine[Any] = Machine(
    "volunteer",
    dict(V.choices),
    [
        _access(V.ACTIVE, V.SUSPENDED, "suspend"),
        _access(V.SUSPENDED, V.ACTIVE, "reinstate"),
        _access(V.ACTIVE, V.OFFBOARDED, "offboard"),
        _access(V.SUSPENDED, V.OFFBOARDED, "offboard"),
    ],
    refused=lambda current, target: (
        _("This volunteer has already left the network.")
        if current == V.OFFBOARDED
        else _("A volunteer who is “%(current)s” cannot become “%(target)s”.")
        % {"current": V(current).label, "target": V(target).label}
    ),
)

TASK: Machine[Any] = Machine(
    "task",
    dict(T.choices),
    [
        Transition(T.OPEN, T.CLOSED, "close"),
        Transition(T.OPEN, T.CANCELLED, "cancel"),
    ],
    refused=lambda current, target: _("This task is already closed or cancelled."),
)

ASSIGNMENT: Machine[Any] = Machine(
    "assignment",
    dict(AS.choices),
    [
        Transition(AS.ACCEPTED, AS.REPORTED, "report"),
        Transition(AS.ACCEPTED, AS.WITHDRAWN, "withdraw"),
    ],
    refused=lambda current, target: _("This task was already reported or handed back."),
)
