"""Response headers that every page gets (the Content-Security-Policy comes from django-csp)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

from csp.decorators import csp_update
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

# Lesson videos play in YouTube (no-cookie) and Vimeo frames; passkeys may be used to sign in.
_VIDEO = '(self "https://www.youtube-nocookie.com" "https://player.vimeo.com")'
PERMISSIONS_POLICY = ", ".join(
    [
        "accelerometer=()",
        "autoplay=()",
        "camera=()",
        "display-capture=()",
        f"encrypted-media={_VIDEO}",
        f"fullscreen={_VIDEO}",
        "geolocation=()",
        "gyroscope=()",
        "magnetometer=()",
        "microphone=()",
        "midi=()",
        "payment=()",
        f"picture-in-picture={_VIDEO}",
        "publickey-credentials-get=(self)",
        "screen-wake-lock=()",
        "usb=()",
    ]
)
PRIVATE_PREFIXES = ("/staff/", "/admin/")

_https_pictures = csp_update({"img-src": ["https:"]})
View = TypeVar("View", bound=Callable[..., HttpResponse])


def markdown_pictures(view: View) -> View:
    """For pages that show lesson or campaign Markdown: its pictures may come from any https
    address (education.markdown allows them), so those pages widen img-src to https."""
    # django-csp types a view as taking the request alone; the wrapper passes every argument.
    return cast(View, _https_pictures(view))


def carries_private_data(request: HttpRequest) -> bool:
    """Staff pages, anything a signed-in user gets, and API answers to a key or session."""
    if request.path.startswith(PRIVATE_PREFIXES):
        return True
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    auth = getattr(request, "auth", None)  # set by django-ninja on authenticated operations
    return auth is not None and auth != "anonymous"


class SecurityHeadersMiddleware:
    """`Permissions-Policy` everywhere; `Cache-Control: no-store` (with the rest of Django's
    never-cache headers) on every answer that carries case or personal data, unless the view
    itself declared the answer public. Views that show personal data to anonymous visitors
    (a reporter's receipt and status) use `never_cache` themselves."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if carries_private_data(request) and "public" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response
