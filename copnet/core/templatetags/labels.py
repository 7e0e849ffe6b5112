"""Codes shown as words (a builtin, see settings.TEMPLATES): provinces by name, the actors that
are not people ("system", "anonymous") in the reader's language."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from copnet.core.provinces import province_name

register = template.Library()


def actor_words(label: str) -> str:
    """The name shown for an actor label written by the code (`cases.events`, `audit`)."""
    if label.startswith("api-key:"):
        return _("API key %(prefix)s") % {"prefix": label.removeprefix("api-key:")}
    words = {"system": _("the system"), "anonymous": _("an anonymous reporter"), "": "—"}
    return words.get(label, label)


@register.filter
def province(code: Any) -> str:
    """ "01" → "Thành phố Hà Nội"; an unknown or empty code stays as it is."""
    code = "" if code is None else str(code)
    return province_name(code) if code else ""


@register.filter
def actor(label: Any) -> str:
    return actor_words("" if label is None else str(label))
