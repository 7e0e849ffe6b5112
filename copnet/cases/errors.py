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
    FILTER_NAME_REQUIRED = "filter_name_required", _("Give the filter a name.")
    FILTER_NAME_TAKEN = "filter_name_taken", _("You already have a filter with this name.")
    FILTER_EMPTY = "filter_empty", _("Choose at least one filter before saving it.")


class WorkflowError(DomainError):
    """A case step that cannot be taken; nothing was changed."""

    codes = CaseErrorCode
