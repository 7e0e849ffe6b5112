from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from copnet.core.client_address import UNKNOWN, client_ip

from .context import RequestOrigin, current_origin


class AuditContextMiddleware:
    """Makes the request's origin available to audit rows written deep inside services.

    The address and browser reach a row only when the actor is signed in or an API key
    (`audit.services._origin_fields`): anonymous visitors of the public channels leave none."""

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
