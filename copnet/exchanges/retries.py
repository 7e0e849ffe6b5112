"""When a failed send to a partner is tried again: one rule for feedback, hash submissions and
reports to foreign hotlines."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from copnet.core.retries import doubling_wait


def next_attempt(attempts: int) -> dt.datetime | None:
    """The time of the next try after `attempts` failed ones (exponential backoff from
    EXCHANGE_FEEDBACK_BACKOFF seconds), or None once EXCHANGE_FEEDBACK_MAX_ATTEMPTS are used:
    the send is given up."""
    if attempts >= settings.EXCHANGE_FEEDBACK_MAX_ATTEMPTS:
        return None
    wait = doubling_wait(settings.EXCHANGE_FEEDBACK_BACKOFF, attempts, cap=None)
    return timezone.now() + dt.timedelta(seconds=wait)
