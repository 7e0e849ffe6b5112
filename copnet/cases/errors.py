"""Errors of the cases app: the codes a case service or page may refuse with."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from copnet.core.errors import DomainError


class CaseErrorCode(models.TextChoices):
    INVALID = "invalid", _("Check the form.")
    INVALID_TRANSITION = "invalid_transition", _("The case cannot take this status now.")
    INVALID_ACTION = "invalid_action", _("Choose an action from the list.")
    CASE_CLOSED = "case_closed", _("A closed case cannot be changed.")
    EMPTY_NOTE = "empty_note", _("The note is empty.")
    REASON_REQUIRED = "reason_required", _("Give a reason for the reassignment.")
    OUTCOME_REQUIRED = "outcome_required", _("Choose an outcome to close the case.")
    REJECTION_REASON_REQUIRED = (
        "rejection_reason_required",
        _("Say why the case is rejected: not harmful or out of scope."),
    )
    MERGE_TARGET_REQUIRED = "merge_target_required", _("Choose another open case to merge into.")
    # Messages to a reporter (one report's reporter; core.cleaning names the first two).
    REQUIRED = "required", _("Write the message.")
    TOO_LONG = "too_long", _("The message is too long.")
    REPORT_NOT_IN_CASE = "report_not_in_case", _("This report is not part of this case.")
    MARKUP_NOT_ALLOWED = (
        "markup_not_allowed",
        _("Write the message as plain text, without HTML tags or scripts."),
    )
    PURGED = "purged", _("The personal data of this case was purged.")


class WorkflowError(DomainError):
    """A case step that cannot be taken; nothing was changed."""

    codes = CaseErrorCode
