"""The case workflow, enforced here only: which status may follow which, and what each needs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .choices import CaseStatus as S
from .errors import CaseErrorCode, WorkflowError

TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.TRIAGED, S.REJECTED, S.MERGED}),
    S.TRIAGED: frozenset({S.ASSIGNED, S.REJECTED, S.MERGED}),
    S.ASSIGNED: frozenset({S.IN_PROGRESS, S.REJECTED, S.MERGED}),
    S.IN_PROGRESS: frozenset({S.ACTION_TAKEN, S.REJECTED, S.MERGED}),
    S.ACTION_TAKEN: frozenset({S.CLOSED, S.IN_PROGRESS}),
    S.CLOSED: frozenset(),
    S.REJECTED: frozenset(),
    S.MERGED: frozenset(),
}

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


def check_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS.get(current, frozenset()):
        raise WorkflowError(
            CaseErrorCode.INVALID_TRANSITION,
            str(
                _("A case cannot go from “%(current)s” to “%(target)s”.")
                % {"current": S(current).label, "target": S(target).label}
            ),
        )
