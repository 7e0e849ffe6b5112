"""Errors of the banks app: hashes, URL patterns and texts the detection side refuses."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copnet.core.errors import DomainError
from copnet.detection.base import SignalError


class DetectionErrorCode(models.TextChoices):
    UNKNOWN_SIGNAL_TYPE = (
        "unknown_signal_type",
        _("Unknown signal type: use pdq, md5, sha256 or vpdq."),
    )
    INVALID_HEX = "invalid_hex", _("A hash must be a hexadecimal string.")
    WRONG_LENGTH = "wrong_length", _("The hash has the wrong number of hexadecimal digits.")
    DUPLICATE = "duplicate", _("This is already in the bank or list.")
    CASE_NOT_CONFIRMED = (
        "case_not_confirmed",
        _("Only the images of a closed case whose harm was confirmed can be added."),
    )
    KIND_MISMATCH = "kind_mismatch", _("The pattern does not have the form of the kind chosen.")
    FORMAT_CHARACTERS = "format_characters", _("The text contains invisible formatting characters.")
    TOO_LONG = "too_long", _("Each text can be at most 1,000,000 characters.")
    # What the detection engine finds wrong with a URL pattern (`detection.urls`).
    TYPE = "type", _("An address must be text.")
    NUL = "nul", _("The address contains a NUL character.")
    EMPTY = "empty", _("The address is empty.")
    SCHEME = "scheme", _("Only http and https addresses can be listed.")
    HOST = "host", _("The address has no valid host.")
    ENCODING = "encoding", _("The address contains broken characters.")
    TOO_BROAD = "too_broad", _("This would match a whole top-level domain; give a longer host.")
    TOO_DEEP = (
        "too_deep",
        _("This host or prefix is too deep to be matched; list the exact address instead."),
    )
    INVALID_PATTERN = "invalid_pattern", _("This address cannot be listed.")
    BAD_THRESHOLD = (
        "bad_threshold",
        _("The PDQ threshold must be a whole number from 0 to 128, or empty for the default."),
    )
    NOT_QUARANTINED = "not_quarantined", _("This entry is not quarantined.")
    # vPDQ (video) values (`banks.video.check_vpdq`).
    INVALID_VPDQ = "invalid_vpdq", _("This is not a vPDQ hash.")
    EMPTY_VPDQ = "empty_vpdq", _("A vPDQ hash needs at least one frame.")
    TOO_MANY_FRAMES = "too_many_frames", _("A vPDQ hash has too many frames.")
    BAD_VPDQ_PCT = (
        "bad_vpdq_pct",
        _("A vPDQ share must be a number from 0 to 100, or empty for the default."),
    )


class DetectionInputError(DomainError):
    """A hash, pattern or text the banks refuse; nothing was changed."""

    codes = DetectionErrorCode


def url_error_message(error: SignalError) -> str:
    """A translated message for the engine's URL error codes (the engine speaks English)."""
    messages = {
        "type": gettext("An address must be text."),
        "too_long": gettext("The address is too long."),
        "nul": gettext("The address contains a NUL character."),
        "empty": gettext("The address is empty."),
        "scheme": gettext("Only http and https addresses can be listed."),
        "host": gettext("The address has no valid host."),
        "encoding": gettext("The address contains broken characters."),
        "too_broad": gettext("This would match a whole top-level domain; give a longer host."),
        "too_deep": gettext(
            "This host or prefix is too deep to be matched; list the exact address instead."
        ),
    }
    return messages.get(getattr(error, "code", ""), gettext("This address cannot be listed."))
