from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from copnet.audit.services import save_with_audit

from .models import AlertSeen, Webhook

if TYPE_CHECKING:
    from copnet.accounts.models import User
    from copnet.accounts.principal import Principal


def do_acknowledge_alerts(*, user: User, at: dt.datetime | None = None) -> AlertSeen:
    """The person saw the P1 alert: only cases triaged later are new to them. (No audit row:
    like a language choice, it changes nothing anyone else sees.)"""
    with transaction.atomic():
        seen, _created = AlertSeen.objects.update_or_create(
            user=user, defaults={"acknowledged_at": at or timezone.now()}
        )
    return seen


def do_save_webhook(*, webhook: Webhook, actor: Principal | None) -> Webhook:
    """An organisation's webhook, validated and audited (the secret only as a fingerprint)."""
    return save_with_audit(instance=webhook, actor=actor)
