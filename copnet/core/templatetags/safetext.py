"""Template filters available in every template (a builtin, see settings.TEMPLATES)."""

from __future__ import annotations

from typing import Any

from django import template

from copnet.core.text import show_format_controls

register = template.Library()


@register.filter
def show_controls(value: Any) -> Any:
    """Text people typed, with any bidi override or other invisible format character shown as
    "[U+202E]": new text is cleaned at intake, but older rows may still carry them."""
    if not isinstance(value, str):
        value = "" if value is None else str(value)
    return show_format_controls(value)
