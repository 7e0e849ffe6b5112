from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from copnet.core.client_address import UNKNOWN, client_ip

from .context import RequestOrigin, current_origin


class AuditContextMiddleware:
    """Records the client address and agent of each request for the audit trail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ip = client_ip(request)
        origin = RequestOrigin(
            ip=None if ip == UNKNOWN else ip,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
            request_id=uuid.uuid4().hex,
            channel="api" if request.path.startswith("/api/") else "web",
        )
        token = current_origin.set(origin)
        try:
            return self.get_response(request)
        finally:
            current_origin.reset(token)
