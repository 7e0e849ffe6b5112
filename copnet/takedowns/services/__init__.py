"""Writes of the takedowns app, split by concept. A removal request's life: `drafts` (items
checked, the draft created), `authorities` (the issuing authority and its approval), `sending`
(draft → sent, deadline and notice), `delivery` (to the platform, retried), `answers` (the
platform's answer, by an officer or a callback), `expiry` (deadline passed), `verification`
(is an address still online), `followup` (re-notices, re-checks, closing) and `escalation`
(the ladder); `platforms` is the registry of platforms.
Each write runs in one transaction and writes its audit row itself."""

from ..legal import legal_grounds
from .answers import do_apply_callback, do_record_answer
from .authorities import (
    default_authority,
    do_approve_request,
    do_choose_authority,
    load_authorities,
)
from .delivery import deliver, do_mark_delivered_manually, due_deliveries
from .drafts import check_items, do_create_request
from .expiry import expire_overdue
from .followup import do_close_followup, due_followups, follow_up
from .platforms import PlatformInput, check_platform, do_save_platform, load_platforms
from .sending import compute_deadline, do_send_request
from .verification import check_url, do_check_item

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
