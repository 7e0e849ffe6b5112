"""Errors of the feed app: values, lists and appeals the protection feed refuses."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from copnet.core.errors import DomainError


class FeedErrorCode(models.TextChoices):
    FORMAT_CHARACTERS = "format_characters", _("The text contains invisible formatting characters.")
    BAD_PUNYCODE = "bad_punycode", _("The host name is not valid punycode.")
    IP_LITERAL = "ip_literal", _("An IP address cannot be blocked by DNS; list an address instead.")
    BAD_HOST = "bad_host", _("This is not a host name.")
    NOT_A_HOST = "not_a_host", _("This has a path: list it as an address.")
    TOO_BROAD = "too_broad", _("This would block a whole domain.")
    BAD_URL = "bad_url", _("Enter the web address that is blocked.")
    BAD_KIND = "bad_kind", _("Choose hosts or addresses.")
    TOO_LARGE = "too_large", _("The list is too large; split it.")
    TOO_MANY_LINES = "too_many_lines", _("The list has too many lines; split it.")
    BAD_LINES = "bad_lines", _("The list was not imported: fix these lines.")
    EMPTY = "empty", _("The list has no host or address.")
    CASE_NOT_CONFIRMED = (
        "case_not_confirmed",
        _("Only a closed case whose harm was confirmed can feed the list."),
    )
    REASON_REQUIRED = "reason_required", _("Say why the entry is withdrawn.")
    ALREADY_WITHDRAWN = "already_withdrawn", _("This entry was already withdrawn.")
    UNKNOWN_VERSION = "unknown_version", _("There is no such feed version.")
    BAD_RANGE = "bad_range", _("The first version must not be after the second.")
    # Refusals of the banks app (`banks.errors.DetectionErrorCode`) passed on as they are.
    UNKNOWN_SIGNAL_TYPE = "unknown_signal_type", _("Unknown signal type: use pdq, md5 or sha256.")
    INVALID_HEX = "invalid_hex", _("A hash must be a hexadecimal string.")
    WRONG_LENGTH = "wrong_length", _("The hash has the wrong number of hexadecimal digits.")


class FeedError(DomainError):
    """A value, list or appeal the feed refuses; nothing was changed. `errors` lists the
    lines at fault of a refused import."""

    codes = FeedErrorCode
    statuses = {
        FeedErrorCode.UNKNOWN_VERSION: 404,
        FeedErrorCode.BAD_RANGE: 422,
    }

    def __init__(
        self,
        code: str,
        message: Any = None,
        field: str | None = None,
        *,
        errors: list[str] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(code, message, field, status=status)
        self.errors = errors or []
