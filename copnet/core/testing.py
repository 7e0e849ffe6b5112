"""Helpers shared by tests across apps."""

from __future__ import annotations

from django.utils import translation
from django.utils.html import escape


def vi(msgid: str, *, html: bool = True) -> str:
    """The Vietnamese text of `msgid` (HTML-escaped as templates render it).

    Fails when the catalogue has no translation for it."""
    with translation.override("vi"):
        text = translation.gettext(msgid)
    assert text != msgid, f"no Vietnamese translation for {msgid!r}"
    return escape(text) if html else text
