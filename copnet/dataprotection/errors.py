"""Errors of the dataprotection app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from copnet.core.errors import DomainError


class DataProtectionErrorCode(models.TextChoices):
    INVALID = "invalid", _("This must be text.")
    REQUIRED = "required", _("This field is required.")
    TOO_LONG = "too_long", _("This text is too long.")
    NOT_FOUND = (
        "not_found",
        _("We could not find a report with this code and secret. Check both and try again."),
    )
    BAD_KIND = "bad_kind", _("Choose one of the requests in the list.")
    DETAILS_REQUIRED = "details_required", _("Say what should be corrected or why you object.")
    UNDER_LEGAL_DUTY = (
        "under_legal_duty",
        _(
            "This report's data is processed under a legal duty, not on consent: a withdrawal of "
            "consent does not stop it. Refuse the request with its legal ground."
        ),
    )
    NO_CONSENT = "no_consent", _("No consent is recorded for this report.")
    GROUND_REQUIRED = "ground_required", _("Choose the legal ground of the refusal.")
    ANSWER_REQUIRED = "answer_required", _("Write the answer to the person.")
    NOT_ANSWERED = "not_answered", _("This request has not been answered yet.")
    ALREADY_HELD = "already_held", _("This legal ground is already recorded for the case.")
    NOTIFICATION_REFERENCE = (
        "notification_reference",
        _("Give the reference of the notification to the authority."),
    )
    REASON_REQUIRED = "reason_required", _("Say why no notification is needed.")
    BAD_DATE = "bad_date", _("The date cannot be in the future.")


class DataProtectionError(DomainError):
    """Input a data-protection service refuses; nothing was changed."""

    codes = DataProtectionErrorCode
