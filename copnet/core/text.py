"""Invisible formatting characters: the one rule for every text cleaner (no Django imports).

Bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C) reorder what a
reader sees: `invoice\u202egnp.exe` shows as "invoiceexe.png". Other format characters (Unicode
category Cf: zero-width space, word joiner, soft hyphen, BOM, tag characters…) hide text or
split a word invisibly. Text people typed keeps none of them, except the zero-width joiner and
non-joiner that emoji sequences and some scripts need; addresses and host names keep none at all.
"""

from __future__ import annotations

import unicodedata

BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Zero-width non-joiner and joiner: part of emoji sequences (👨‍👩‍👧) and of some scripts.
JOINERS = frozenset("\u200c\u200d")


def is_format_control(ch: str, *, keep_joiners: bool = True) -> bool:
    """A character that changes how text is displayed without being seen itself."""
    if ch in BIDI_CONTROLS:
        return True
    if keep_joiners and ch in JOINERS:
        return False
    return unicodedata.category(ch) == "Cf"


def strip_format_controls(text: str) -> str:
    """`text` without bidi controls and other invisible format characters (joiners kept)."""
    if text.isascii():
        return text
    return "".join(ch for ch in text if not is_format_control(ch))


def has_format_controls(text: str) -> bool:
    """Whether an address or host name contains any format character (joiners included)."""
    return not text.isascii() and any(is_format_control(ch, keep_joiners=False) for ch in text)


def show_format_controls(text: str) -> str:
    """Each format character replaced by a visible marker such as "[U+202E]", for showing text
    stored before the rule existed."""
    if text.isascii():
        return text
    return "".join(
        f"[U+{ord(ch):04X}]" if is_format_control(ch, keep_joiners=True) else ch for ch in text
    )


def has_control_characters(text: str, *, multiline: bool = True) -> bool:
    """Whether `text` holds a control character (newline, carriage return and tab allowed in
    multi-line text) or a lone surrogate, which no valid UTF-8 text can carry."""
    allowed = "\n\r\t" if multiline else ""
    return any(
        unicodedata.category(ch) in {"Cc", "Cs"} and ch not in allowed
        for ch in text
        if not ch.isprintable()
    )


def clean_text(value: str, *, multiline: bool = True) -> str:
    """The one rule for text people typed, used by every app (their services add length and
    required checks through `core.cleaning.clean_field`):

    NFC; line breaks written "\\n"; no bidi controls or other invisible format characters
    (the joiners emoji need are kept); no control characters (newline and tab kept in
    multi-line text; on one line each becomes a space) and no lone surrogates (they cannot be
    stored as UTF-8); no space around it. Private-use and not-yet-assigned characters are kept:
    a newer emoji is "unassigned" to an older Python.
    """
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    text = strip_format_controls(text)
    if not text.isascii() or not text.isprintable():
        kept = "\n\t" if multiline else ""
        text = "".join(
            ch
            if ch in kept or unicodedata.category(ch) not in {"Cc", "Cs"}
            else (" " if ch in "\n\t" else "")
            for ch in text
        )
    return text.strip()
