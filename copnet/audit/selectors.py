from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from copnet.accounts.permissions import Perm, has_perm

from .fingerprints import search_fingerprint
from .models import AuditEvent

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_events_visible_to(
    principal: Principal | None, filters: dict[str, Any] | None = None
) -> QuerySet[AuditEvent]:
    if not has_perm(principal, Perm.VIEW_AUDIT):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.all()
    filters = filters or {}
    if filters.get("actor"):
        events = events.filter(actor_label__icontains=filters["actor"])
    if filters.get("organisation"):
        events = events.filter(actor_org__iexact=filters["organisation"])
    if filters.get("action"):
        events = events.filter(action=filters["action"])
    if filters.get("target_type"):
        events = events.filter(target_type__icontains=filters["target_type"])
    if filters.get("target_id"):
        events = events.filter(target_id=filters["target_id"])
    if filters.get("searched_for"):
        events = events.filter(
            target_type="search",
            target_id=search_fingerprint(filters["searched_for"]),
        )
    if filters.get("date_from"):
        events = events.filter(at__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        events = events.filter(at__lt=_day_start(filters["date_to"] + dt.timedelta(days=1)))
    return events
