"""What the audit trail keeps of a staff search: a keyed fingerprint of the query as the search
box cleans it (`core.text.clean_text`: NFC, no invisible characters), trimmed and case-folded.
Written by `search.finder`, compared by the audit page's "Searched for" filter: the same
function on both sides, so a name typed decomposed (NFD) or in other letter case still matches.
"""

from __future__ import annotations

from copnet.core.crypto import fingerprint
from copnet.core.text import clean_text


def search_fingerprint(text: str) -> str:
    return fingerprint(clean_text(text, multiline=False).strip().casefold())
