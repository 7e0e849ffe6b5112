"""Bilingual content stored as Vietnamese/English field pairs (`title_vi`, `title_en`)."""

from __future__ import annotations

from django.utils.translation import get_language


def localised(vi: str, en: str) -> str:
    """The English text when the active language is English and one was written, else the
    Vietnamese (the Network's working language, always filled in)."""
    return en if (get_language() or "vi").startswith("en") and en else vi
