"""Staff members' IP address and browser leave the audit trail after the retention period."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from copnet.audit.models import AuditEvent
from copnet.audit.retention import erase_old_origins

pytestmark = pytest.mark.django_db


def test_old_rows_lose_the_origin_and_keep_everything_else(client, alice, bob, settings):
    client.force_login(alice)
    client.get(f"/accounts/people/{bob.pk}/", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="B/1")
    days = settings.AUDIT_ORIGIN_RETENTION_DAYS
    now = timezone.now()

    assert erase_old_origins(now=now + dt.timedelta(days=days - 1)) == 0
    assert AuditEvent.objects.get(action="view").ip == "203.0.113.7"

    assert erase_old_origins(now=now + dt.timedelta(days=days + 1)) >= 1
    event = AuditEvent.objects.get(action="view")
    assert (event.ip, event.user_agent, event.actor, event.target_id) == (
        None,
        "",
        alice,
        str(bob.pk),
    )
    assert erase_old_origins(now=now + dt.timedelta(days=days + 1)) == 0
