from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse


class RefusedSessionMiddleware:
    """A session whose account was switched off (a suspended or off-boarded volunteer) is
    refused by Django's auth already; this audits the attempt and ends the session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session: SessionBase | None = getattr(request, "session", None)
        user_id = session.get(SESSION_KEY) if session is not None else None
        if session is not None and user_id is not None and not request.user.is_authenticated:
            from copnet.audit.choices import AuditAction
            from copnet.audit.services import record

            record(
                actor=None,
                action=AuditAction.DENIED,
                target_type="accounts.user",
                target_id=str(user_id)[:64],
                reason="session of a deactivated account refused",
            )
            session.flush()
        return self.get_response(request)
