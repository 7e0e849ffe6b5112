"""Errors of the volunteers app: refused volunteer-network operations."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from copnet.core.errors import DomainError


class VolunteerErrorCode(models.TextChoices):
    INVALID = "invalid", _("This value is not valid.")
    REQUIRED = "required", _("This field is required.")
    TOO_LONG = "too_long", _("This text is too long.")
    INVALID_CHOICE = "invalid_choice", _("Choose from the options.")
    INVALID_EMAIL = "invalid_email", _("Enter a valid e-mail address.")
    INVALID_HOURS = "invalid_hours", _("Give between 0.1 and 100 hours for one task.")
    INVALID_DATE = "invalid_date", _("Enter a valid date.")
    TOO_YOUNG = "too_young", _("The applicant is too young to volunteer.")
    CONSENT_REQUIRED = (
        "consent_required",
        _("You must agree to the vetting and to the code of conduct."),
    )
    GUARDIAN_IS_APPLICANT = (
        "guardian_is_applicant",
        _("Your parent or guardian must confirm with their own e-mail address."),
    )
    DUPLICATE = (
        "duplicate",
        _(
            "We already have an application or an account for this e-mail address. If you "
            "applied before, please wait for our answer."
        ),
    )
    INVALID_LINK = "invalid_link", _("This link is not valid or was already used.")
    REASON_REQUIRED = "reason_required", _("Give the reason or the question for the applicant.")
    ALREADY_DECIDED = "already_decided", _("This application was already decided.")
    GUARDIAN_CONSENT_MISSING = (
        "guardian_consent_missing",
        _("The guardian has not confirmed their consent yet."),
    )
    MINOR = "minor", _("Volunteers under 18 cannot be trusted volunteers or team leads.")
    TRAINING_INCOMPLETE = (
        "training_incomplete",
        _("The volunteer has not completed the required training."),
    )
    OFFBOARDED = "offboarded", _("This volunteer has already left the network.")
    CRITICAL_CASE = (
        "critical_case",
        _(
            "Addresses of critical harm (such as child sexual abuse material) are checked by "
            "analysts, never by volunteers."
        ),
    )
    UNKNOWN_CASE = "unknown_case", _("No case with this reference.")
    TOO_MANY_URLS = "too_many_urls", _("Too many web addresses for one task.")
    INVALID_URL = "invalid_url", _("This is not a web address we can check.")
    URLS_REQUIRED = "urls_required", _("A verification task needs at least one web address.")
    NOT_ELIGIBLE = "not_eligible", _("This task is not open to you.")
    ALREADY_ACCEPTED = "already_accepted", _("You have already accepted this task.")
    FULL = "full", _("Enough volunteers have already taken this task.")
    CHECK_REQUIRED = "check_required", _("Say for every address what you found.")
    NOT_OPEN = "not_open", _("This task was already reported or handed back.")


class VolunteerError(DomainError):
    """A refused volunteer-network operation: a stable code, a translated message, the field."""

    codes = VolunteerErrorCode
