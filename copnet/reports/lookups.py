"""Keyed lookup hashes stored beside encrypted columns, so that staff search can find them.

Encrypted text cannot be searched in SQL; each value that must be found exactly has a keyed
hash (`core.crypto.lookup_hash`) in an indexed column: a reported address's host
(`ReportUrl.host_key`, its address is `url_key`) and each platform account name of a report
(`ReportHandle.key`). Intake fills them; migration 0005 filled them for older rows."""

from __future__ import annotations

import re
import unicodedata

from copnet.core.crypto import lookup_hash

_HANDLE_SEPARATORS = re.compile(r"[\s,;]+")
MAX_HANDLE_LENGTH = 200


def host_lookup_key(host: str) -> str:
    """`host` as core.urlnorm gives it (ASCII, lower case, no trailing dot)."""
    return lookup_hash(host, purpose="report-host")


def normalise_handle(raw: str) -> str:
    """One account name as it is compared: NFKC, case-folded, without a leading "@"."""
    text = unicodedata.normalize("NFKC", raw).strip().casefold()
    return text.lstrip("@").strip()


def split_handles(text: str) -> list[str]:
    """The account names in a report's free-text field (one per line, or separated by
    commas, semicolons or spaces), normalised and without repeats."""
    seen: dict[str, None] = {}
    for part in _HANDLE_SEPARATORS.split(text or ""):
        handle = normalise_handle(part)
        if handle and len(handle) <= MAX_HANDLE_LENGTH:
            seen[handle] = None
    return list(seen)


def handle_lookup_key(handle: str) -> str:
    return lookup_hash(normalise_handle(handle), purpose="report-handle")


def handle_keys(text: str) -> list[str]:
    return [lookup_hash(h, purpose="report-handle") for h in split_handles(text)]
