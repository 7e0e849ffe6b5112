"""Writes on the protection feed, split by concept: checks (what may be listed), entries (from
cases, lists and imports; withdrawals; publicity), versions (publishing), appeals. Each write
runs in a transaction and writes its audit row itself. Every public name stays importable from
`copnet.feed.services`."""

from __future__ import annotations

from ..errors import FeedError, FeedErrorCode
from .appeals import do_decide_appeal, do_submit_appeal, matching_entries
from .checks import (
    HASH_LENGTHS,
    CheckedValue,
    check_host,
    check_image_hash,
    check_url,
    refuse_format_controls,
)
from .entries import (
    MAX_ERRORS,
    ImportResult,
    do_add_case,
    do_import_list,
    do_import_url_list,
    do_set_public,
    do_withdraw,
)
from .versions import do_publish, pending_changes

__all__ = [
    "HASH_LENGTHS",
    "MAX_ERRORS",
    "CheckedValue",
    "FeedError",
    "FeedErrorCode",
    "ImportResult",
    "check_host",
    "check_image_hash",
    "check_url",
    "do_add_case",
    "do_decide_appeal",
    "do_import_list",
    "do_import_url_list",
    "do_publish",
    "do_set_public",
    "do_submit_appeal",
    "do_withdraw",
    "matching_entries",
    "pending_changes",
    "refuse_format_controls",
]
