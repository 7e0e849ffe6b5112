"""Bilingual content stored as Vietnamese/English field pairs (`title_vi`, `title_en`)."""

from __future__ import annotations

from typing import overload

from django.utils.translation import get_language


def localised(vi: str, en: str) -> str:
    """The English text when the active language is English and one was written, else the
    Vietnamese (the Network's working language, always filled in)."""
    return en if (get_language() or "vi").startswith("en") and en else vi


class Bilingual:
    """`title = Bilingual()` on a model with the columns `title_vi` and `title_en`: reading
    `obj.title` gives `localised(obj.title_vi, obj.title_en)`. The columns stay explicit."""

    def __init__(self, base: str = "") -> None:
        self.base = base

    def __set_name__(self, owner: type, name: str) -> None:
        self.base = self.base or name

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> Bilingual: ...

    @overload
    def __get__(self, obj: object, objtype: type | None = None) -> str: ...

    def __get__(self, obj: object | None, objtype: type | None = None) -> str | Bilingual:
        if obj is None:
            return self
        return localised(getattr(obj, f"{self.base}_vi"), getattr(obj, f"{self.base}_en"))
