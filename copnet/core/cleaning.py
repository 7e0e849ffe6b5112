"""Translated refusals shared by the text cleaners (the rules themselves are in core.text)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .text import has_format_controls, show_format_controls

FORMAT_CONTROLS_CODE = "format_characters"


def format_controls_message(value: str) -> str:
    """Why an address or host name with invisible formatting characters is refused; the
    characters are shown as [U+202E] so that the message itself cannot be spoofed."""
    return _(
        "“%(value)s” contains invisible formatting characters (such as a right-to-left mark) "
        "that can disguise an address. Type it again without them."
    ) % {"value": show_format_controls(value.strip()[:100])}


__all__ = ["FORMAT_CONTROLS_CODE", "format_controls_message", "has_format_controls"]
