"""Retention of the partner API's idempotency records (see cases.privacy.purge_all)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from .models import IdempotencyRecord


def purge_idempotency_records(*, now: dt.datetime) -> int:
    """Delete stored answers older than IDEMPOTENCY_RETENTION_HOURS: partners retry within
    minutes, and an answer can quote what was sent. Returns the rows deleted."""
    cutoff = now - dt.timedelta(hours=settings.IDEMPOTENCY_RETENTION_HOURS)
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
