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
    MERGE_SAME_CASE = "merge_same_case", _("A case cannot be merged into itself.")
    MERGE_TARGET_CLOSED = "merge_target_closed", _("A case can only be merged into an open case.")
    CORRECTION_REASON_REQUIRED = (
        "correction_reason_required",
        _("Give a reason for the correction."),
    )
    NOTHING_CHANGED = "nothing_changed", _("Nothing was changed: the values are the same.")
    NO_SUGGESTION = "no_suggestion", _("This case has no suggested category to decide on.")
    NO_LEAD_ORG = "no_lead_org", _("The case has no lead organisation yet.")
    ASSIGNEE_OUTSIDE_LEAD = (
        "assignee_outside_lead",
        _("Choose a person of the case's lead organisation."),
    )
    ASSIGNEE_INACTIVE = "assignee_inactive", _("This person's account is not active.")
    ASSIGNEE_CANNOT_WORK = "assignee_cannot_work", _("This person may not work on cases.")
    ASSIGN_FORBIDDEN = (
        "assign_forbidden",
        _("Only a coordinator or a person of the lead organisation may assign this case."),
    )
    ALREADY_ASSIGNED = "already_assigned", _("Someone already works on this case.")
    NOT_ASSIGNEE = "not_assignee", _("Only the person assigned can give the case back.")
    LAST_REPORT = (
        "last_report",
        _("The last report of a case cannot be split out: change the category instead."),
    )
    PROPOSAL_DECIDED = "proposal_decided", _("This proposal has already been decided.")
    FILTER_NAME_REQUIRED = "filter_name_required", _("Give the filter a name.")
    FILTER_NAME_TAKEN = "filter_name_taken", _("You already have a filter with this name.")
    FILTER_EMPTY = "filter_empty", _("Choose at least one filter before saving it.")


class WorkflowError(DomainError):
    """A case step that cannot be taken; nothing was changed."""

    codes = CaseErrorCode
    statuses = {
        CaseErrorCode.ASSIGN_FORBIDDEN: 403,
        CaseErrorCode.NOT_ASSIGNEE: 403,
        CaseErrorCode.ALREADY_ASSIGNED: 409,
        CaseErrorCode.PROPOSAL_DECIDED: 409,
    }
