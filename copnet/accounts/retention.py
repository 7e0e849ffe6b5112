"""Retention of sessions and login records (see cases.privacy.purge_all)."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

from django.apps import apps
from django.conf import settings


def clear_expired_sessions(*, now: dt.datetime) -> int:
    """What `manage.py clearsessions` does, as of `now`: expired sessions are deleted (they
    may hold a class learner's id, a report's status page, a campaign visit). Returns the rows
    deleted, or 0 for session engines that expire by themselves."""
    if settings.SESSION_ENGINE in {
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    }:
        from django.contrib.sessions.models import Session

        deleted, _by_model = Session.objects.filter(expire_date__lt=now).delete()
        return deleted
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    return 0


def purge_login_records(*, now: dt.datetime) -> int:
    """Delete django-axes records (user name, IP address, browser of sign-ins and failed
    attempts) older than AUDIT_ORIGIN_RETENTION_DAYS."""
    if not apps.is_installed("axes"):
        return 0
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    cutoff = now - dt.timedelta(days=settings.AUDIT_ORIGIN_RETENTION_DAYS)
    deleted = 0
    for model in (AccessLog, AccessFailureLog, AccessAttempt):
        count, _by_model = model.objects.filter(attempt_time__lt=cutoff).delete()
        deleted += count
    return deleted
