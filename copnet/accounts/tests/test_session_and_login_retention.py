"""Expired sessions and old login records are deleted by the retention purge."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from copnet.accounts.retention import clear_expired_sessions, purge_login_records

pytestmark = pytest.mark.django_db


def test_expired_sessions_are_deleted_and_live_ones_kept():
    for name, age in [("expired", -1), ("live", 3600)]:
        store = SessionStore()
        store["who"] = name
        store.set_expiry(age if age > 0 else 1)
        store.save()
        Session.objects.filter(session_key=store.session_key).update(
            expire_date=timezone.now() + dt.timedelta(seconds=age)
        )
    assert clear_expired_sessions(now=timezone.now()) == 1
    assert [s.get_decoded()["who"] for s in Session.objects.all()] == ["live"]


def test_login_records_older_than_the_retention_are_deleted(settings):
    now = timezone.now()
    fields = {"user_agent": "UA", "ip_address": "203.0.113.1", "http_accept": "*", "path_info": "/"}
    old = AccessLog.objects.create(username="old@a.example", **fields)
    AccessLog.objects.create(username="new@a.example", **fields)
    AccessAttempt.objects.create(
        username="x@a.example", get_data="", post_data="", failures_since_start=1, **fields
    )
    past = now - dt.timedelta(days=settings.AUDIT_ORIGIN_RETENTION_DAYS + 1)
    AccessLog.objects.filter(pk=old.pk).update(attempt_time=past)
    AccessAttempt.objects.update(attempt_time=past)
    assert purge_login_records(now=now) == 2
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["new@a.example"]
    assert AccessAttempt.objects.count() == 0
