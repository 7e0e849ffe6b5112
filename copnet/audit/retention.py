"""Retention of the IP address and browser kept in audit rows of signed-in people."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q

from .models import AuditEvent
from .services import erase_personal_values


def erase_old_origins(*, now: dt.datetime) -> int:
    """Blank the IP address and browser of audit rows older than AUDIT_ORIGIN_RETENTION_DAYS
    (long enough to investigate misuse of an account); the rows themselves stay."""
    cutoff = now - dt.timedelta(days=settings.AUDIT_ORIGIN_RETENTION_DAYS)
    old = AuditEvent.objects.filter(at__lt=cutoff).filter(Q(ip__isnull=False) | ~Q(user_agent=""))
    return erase_personal_values(old, note=False, origin=True)
