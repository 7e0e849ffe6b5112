"""Writes of the takedowns app, split by concept: `requests` (removal requests: creating,
sending, delivering, answers, expiry, verification), `followup` (re-notices, re-checks, closing),
`escalation` (the ladder) and `platforms` (the registry of platforms).
Each write runs in one transaction and writes its audit row itself."""

from ..legal import legal_grounds
from .authorities import (
    default_authority,
    do_approve_request,
    do_choose_authority,
    load_authorities,
)
from .followup import do_close_followup, due_followups, follow_up
from .platforms import PlatformInput, check_platform, do_save_platform, load_platforms
from .requests import (
    check_items,
    check_url,
    compute_deadline,
    deliver,
    do_apply_callback,
    do_check_item,
    do_create_request,
    do_mark_delivered_manually,
    do_record_answer,
    do_send_request,
    due_deliveries,
    expire_overdue,
)

__all__ = [
    "default_authority",
    "do_approve_request",
    "do_choose_authority",
    "legal_grounds",
    "load_authorities",
    "PlatformInput",
    "check_items",
    "check_platform",
    "check_url",
    "compute_deadline",
    "deliver",
    "do_apply_callback",
    "do_check_item",
    "do_close_followup",
    "do_create_request",
    "do_mark_delivered_manually",
    "do_record_answer",
    "do_save_platform",
    "do_send_request",
    "due_deliveries",
    "due_followups",
    "expire_overdue",
    "follow_up",
    "load_platforms",
]
