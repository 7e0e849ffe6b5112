"""Errors of the takedowns app: a stable code, a translated message and an HTTP status."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from copnet.core.errors import DomainError


class TakedownErrorCode(models.TextChoices):
    INVALID = "invalid", _("Check the form.")
    INVALID_ITEM = "invalid_item", _("An item contains control characters or is too long.")
    FORMAT_CHARACTERS = "format_characters", _("The text contains invisible formatting characters.")
    INVALID_URL = "invalid_url", _("This is not a web address that can be removed.")
    NO_ITEMS = "no_items", _("Name at least one address or account to remove.")
    TOO_MANY_ITEMS = "too_many_items", _("At most 100 items fit in one request.")
    PLATFORM_INACTIVE = "platform_inactive", _("This platform is no longer in use.")
    NO_CHANNEL = "no_channel", _("The platform has no channel for removal requests.")
    INVALID_TRANSITION = "invalid_transition", _("The request cannot take this status now.")
    INVALID_STATUS = (
        "invalid_status",
        _("The answer must be acknowledged, removed or refused."),
    )
    REASON_REQUIRED = "reason_required", _("Say why the platform refused.")
    TOO_LONG = "too_long", _("The note or the platform's reference is too long.")
    NOT_FOUND = "not_found", _("No such removal request for your platform.")
    REPLAYED = "replayed", _("This callback was already received.")
    NOT_A_URL = "not_a_url", _("Only addresses can be checked.")
    INVALID_PLATFORM = "invalid_platform", _("The platform's details are not valid.")
    CLOSE_REASON_REQUIRED = "close_reason_required", _("Say why the follow-up is closed.")
    NOT_FOLLOWED_UP = "not_followed_up", _("This request has no follow-up to close.")
    # Delivery through a platform's API (`takedowns.fetch`).
    REFUSED_BY_API = "refused_by_api", _("The platform's API refused the request.")
    BAD_URL = "bad_url", _("The platform's API address is not valid.")
    DNS = "dns", _("The platform's API host does not resolve.")
    PRIVATE_ADDRESS = "private_address", _("The platform's API resolves to a private address.")
    TOO_MANY_REDIRECTS = "too_many_redirects", _("The platform's API redirects too often.")
    # Notices issued in the name of a competent authority (`services.authorities`).
    NO_AUTHORITY = (
        "no_authority",
        _("Choose the competent authority in whose name this request is issued."),
    )
    NOT_APPROVED = (
        "not_approved",
        _("The issuing authority must approve this request before it is sent."),
    )
    NOT_THE_AUTHORITY = (
        "not_the_authority",
        _("Only a person of the issuing authority may approve its requests."),
    )
    ALREADY_APPROVED = "already_approved", _("This request was already approved.")
    DOCUMENT_NUMBER_TAKEN = (
        "document_number_taken",
        _("This document number is already used by another request of this authority."),
    )
    INVALID_DOCUMENT_NUMBER = (
        "invalid_document_number",
        _("A document number is one line of at most 40 characters."),
    )
    # Refusals of the case the request belongs to (`cases.errors.CaseErrorCode`).
    CASE_CLOSED = "case_closed", _("A closed case cannot be changed.")
    INVALID_ACTION = "invalid_action", _("Choose an action from the list.")


class TakedownError(DomainError):
    """A removal-request step that cannot be taken; nothing was changed. The API answers 422
    unless the code says otherwise."""

    codes = TakedownErrorCode
    status = 422
    statuses = {
        TakedownErrorCode.NOT_FOUND: 404,
        TakedownErrorCode.REPLAYED: 409,
        TakedownErrorCode.INVALID_TRANSITION: 409,
        TakedownErrorCode.NOT_FOLLOWED_UP: 409,
        TakedownErrorCode.NOT_THE_AUTHORITY: 403,
        TakedownErrorCode.NOT_APPROVED: 409,
        TakedownErrorCode.ALREADY_APPROVED: 409,
        TakedownErrorCode.DOCUMENT_NUMBER_TAKEN: 409,
    }


class PlatformInvalid(TakedownError):
    """What is wrong with a platform's details, field by field (translated messages).

    `errors` maps a field name of `services.platforms.PlatformInput` to its messages."""

    def __init__(self, errors: dict[str, list[Any]]) -> None:
        first = next(iter(errors.values()))[0]
        super().__init__(TakedownErrorCode.INVALID_PLATFORM, first)
        self.errors = errors
