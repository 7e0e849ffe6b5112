"""The text cleaner services call, with its translated refusals (the rule itself is
`core.text.clean_text`, without Django)."""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .errors import DomainError
from .text import clean_text, has_format_controls, show_format_controls

FORMAT_CONTROLS_CODE = "format_characters"


def format_controls_message(value: str) -> str:
    """Why an address or host name with invisible formatting characters is refused; the
    characters are shown as [U+202E] so that the message itself cannot be spoofed."""
    return _(
        "“%(value)s” contains invisible formatting characters (such as a right-to-left mark) "
        "that can disguise an address. Type it again without them."
    ) % {"value": show_format_controls(value.strip()[:100])}


def clean_field(
    value: Any,
    *,
    limit: int,
    field: str | None = None,
    required: bool = False,
    multiline: bool = True,
    error: type[DomainError] = DomainError,
) -> str:
    """`value` cleaned by `core.text.clean_text`, or `error(code, message, field)` with the code
    "invalid" (not text), "required" (empty after cleaning) or "too_long" (over `limit`)."""
    if not isinstance(value, str):
        raise error("invalid", _("This must be text."), field)
    text = clean_text(value, multiline=multiline)
    if required and not text:
        raise error("required", _("This field is required."), field)
    if len(text) > limit:
        raise error(
            "too_long",
            _("This text is too long: at most %(limit)s characters.")
            % {"limit": number_format(limit, force_grouping=True)},
            field,
        )
    return text


__all__ = [
    "FORMAT_CONTROLS_CODE",
    "clean_field",
    "format_controls_message",
    "has_format_controls",
]
