"""Errors of referrals for support and of the hotline link: a code, a message, a status."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from copnet.core.errors import DomainError


class SupportErrorCode(models.TextChoices):
    INVALID = "invalid", _("Check the form.")
    REQUIRED = "required", _("This field is required.")
    TOO_LONG = "too_long", _("This text is too long.")
    INVALID_CHOICE = "invalid_choice", _("Choose a value from the list.")
    NOT_IN_NETWORK = (
        "not_in_network",
        _(
            "The receiving body is not a member of the Network today: a child is referred only to "
            "the Network's support services."
        ),
    )
    SAME_ORGANISATION = "same_organisation", _("A referral goes to another organisation.")
    CASE_CLOSED = "case_closed", _("A closed case cannot be referred.")
    CHILD_CONSENT_REQUIRED = (
        "child_consent_required",
        _(
            "A child from 7 years old must agree to the referral, unless it protects "
            "the child's life."
        ),
    )
    REPRESENTATIVE_CONSENT_REQUIRED = (
        "representative_consent_required",
        _(
            "The legal representative must agree to the referral, unless it protects "
            "the child's life."
        ),
    )
    GROUND_REQUIRED = (
        "ground_required",
        _("Without consent, explain why the referral protects the child's life or health."),
    )
    VIEWS_REQUIRED = "views_required", _("Record what the child thinks about the referral.")
    AGE_INVALID = "age_invalid", _("The child's age must be a number from 0 to 17.")
    NOTHING_SHARED = "nothing_shared", _("Choose what the receiving body may be told.")
    NOT_RECEIVING_ORG = (
        "not_receiving_org",
        _("Only a user of the receiving organisation may take this step."),
    )
    NOT_REFERRING_ORG = (
        "not_referring_org",
        _("Only a user of the referring organisation may take this step."),
    )
    REASON_REQUIRED = "reason_required", _("Say why.")
    OUTCOME_REQUIRED = "outcome_required", _("Choose the outcome.")
    NOT_FOUND = "not_found", _("No such referral to your organisation.")
    BAD_SIGNATURE = "bad_signature", _("The signature of the request is missing or wrong.")
    STALE_TIMESTAMP = (
        "stale_timestamp",
        _("The request's timestamp is too old or in the future: send it again, signed now."),
    )
    REPLAYED = "replayed", _("This event was already received.")
    NO_ENDPOINT = "no_endpoint", _("Your organisation has no hotline link configured.")
    NO_SUCH_CASE = "no_such_case", _("No case with this tracking code or case reference.")
    BAD_URL = "bad_url", _("The webhook address is not a valid http(s) address.")
    SECRET_TOO_SHORT = "secret_too_short", _("The signing secret needs at least 16 characters.")


class SupportError(DomainError):
    """A referral step that cannot be taken; nothing was changed."""

    codes = SupportErrorCode
    status = 422
    statuses = {
        SupportErrorCode.NOT_FOUND: 404,
        SupportErrorCode.NO_SUCH_CASE: 404,
        SupportErrorCode.BAD_SIGNATURE: 401,
        SupportErrorCode.STALE_TIMESTAMP: 401,
        SupportErrorCode.REPLAYED: 409,
        SupportErrorCode.NO_ENDPOINT: 403,
        SupportErrorCode.NOT_RECEIVING_ORG: 403,
        SupportErrorCode.NOT_REFERRING_ORG: 403,
    }
