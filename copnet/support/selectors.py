"""Reads of the support app: the queue and what a side may see of a referral."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from copnet.accounts.permissions import has_network_wide_scope

from .models import Referral, WebhookDelivery
from .workflow import REFERRING


def queue(user: Any, box: str) -> QuerySet[Referral]:
    rows = Referral.objects.visible_to(user).select_related("receiving_org", "referring_org")
    org = getattr(user, "organisation_id", None)
    if box == "incoming":
        rows = rows.filter(receiving_org_id=org)
    elif box == "outgoing":
        rows = rows.filter(referring_org_id=org)
    return rows.order_by("next_due", "-sent_at")


def sees_everything(user: Any, sides: frozenset[str]) -> bool:
    """The referring side and the Network's coordinators see the whole referral; the receiving
    body sees only the fields chosen to share."""
    return REFERRING in sides or has_network_wide_scope(user)


def deliveries(user: Any) -> QuerySet[WebhookDelivery]:
    return (
        WebhookDelivery.objects.visible_to(user)
        .select_related("endpoint__organisation", "referral", "case")
        .order_by("-created_at", "-pk")
    )
