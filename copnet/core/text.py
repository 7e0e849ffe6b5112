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
