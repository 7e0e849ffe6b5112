"""Helpers shared by tests across apps."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from django.utils import translation
from django.utils.html import escape


def vi(msgid: str, *, html: bool = True) -> str:
    """The Vietnamese text of `msgid` (HTML-escaped as templates render it).

    Fails when the catalogue has no translation for it."""
    with translation.override("vi"):
        text = translation.gettext(msgid)
    assert text != msgid, f"no Vietnamese translation for {msgid!r}"
    return escape(text) if html else text


SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM = (
    os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# In CI a missing browser is a failure (the browser_page fixture says so), never a skip.
SKIP_BROWSER = not CHROMIUM and not os.environ.get("CI")
