"""Request bodies over the limit are refused before a byte of them is read.

Django reads a body only when something touches `request.body`, `POST` or `FILES` (the CSRF
check does, for every form post); file parts above `FILE_UPLOAD_MAX_MEMORY_SIZE` are spooled to
a temporary file first. This middleware comes first in `MIDDLEWARE` and refuses on the declared
size alone, so an oversized upload costs neither disk nor memory:

* `Content-Length` above the limit for the path -> 413 (`payload_too_large`);
* a body without `Content-Length` (chunked) -> 411 (`length_required`): Django never reads such
  a body (it would silently see an empty form), so saying so is the honest answer.

On `/api/` the answer is the JSON error body, elsewhere a translated page. Limits come from
`settings.REQUEST_BODY_LIMITS` (path prefix -> bytes, the longest prefix wins).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from copnet.core.api_errors import generic_body, json_error

API_PREFIX = "/api/"


def body_limit(path: str) -> int:
    limits: dict[str, int] = settings.REQUEST_BODY_LIMITS
    prefix = max((p for p in limits if path.startswith(p)), key=len, default="")
    return limits.get(prefix, settings.MAX_REQUEST_BYTES)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def refusal(request: HttpRequest) -> int | None:
    """The status to refuse the request with (411, 413), or None to let it through."""
    raw = request.META.get("CONTENT_LENGTH")
    if raw:
        try:
            declared = int(raw)
        except ValueError:
            return 400
        return 413 if declared > body_limit(request.path) else None
    if request.META.get("HTTP_TRANSFER_ENCODING"):
        return 411
    return None


def refuse(request: HttpRequest, status: int) -> HttpResponse:
    language = translation.get_language_from_request(request)
    with translation.override(language):
        if status == 413:
            message = _("The request is too large: at most %(size)s MB.") % {
                "size": _megabytes(body_limit(request.path))
            }
        else:
            message = None
        if request.path.startswith(API_PREFIX):
            return json_error(status, generic_body(status, message))
        response = render(
            request, "core/error.html", {"status": status, "message": message}, status=status
        )
        response["Content-Language"] = language
        return response


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        status = refusal(request)
        if status is not None:
            return refuse(request, status)
        return self.get_response(request)
