"""Public pages for anonymous visitors, served from a short-lived per-process cache.

A campaign sends many children to the same few pages at once (`/`, `/learn/` lessons, the
report form). For a visitor without a session, these pages are the same for everyone except
for two per-request values, which are punched out of the stored page and filled in again on
every hit:

* the CSRF token (every page has forms: the language switch, the report form): a fresh masked
  token of the visitor's own secret, so each visitor gets their own cookie and token;
* a Content-Security-Policy nonce, if a CSP middleware puts `request.csp_nonce` on the request.

What is never cached: anything for a visitor with a session cookie (signed-in staff,
volunteers, a reporter who just sent a report, a learner in a class) or a pending message,
htmx fragments, anything but a 200 HTML answer, an answer that sets a cookie, touches the
session or says `private`/`no-store`, and any view not marked with `@public_page`. Entries live
`PAGE_CACHE_SECONDS` (60 s by default; 0 turns the cache off) in the "pages" cache, one per
process (local memory), keyed by path, query and language.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import (  # type: ignore[attr-defined]  # private, not in django-stubs
    _unmask_cipher_token,
    get_token,
)
from django.utils import translation
from django.utils.functional import SimpleLazyObject, empty

CSRF_HOLE = b"\x1ecopnet-csrf\x1e"
NONCE_HOLE = b"\x1ecopnet-nonce\x1e"
_MASKED_TOKEN = re.compile(rb"\b[A-Za-z0-9]{64}\b")


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view whose GET answer is the same for every anonymous visitor."""
    setattr(view, "public_page", True)  # noqa: B010  (a mark on the function, read by process_view)
    return view


def _key(request: HttpRequest) -> str:
    raw = f"{translation.get_language()}|{request.path}|{request.META.get('QUERY_STRING', '')}"
    return "page:" + hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()


def _eligible(request: HttpRequest) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in {"GET", "HEAD"}
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and "HTTP_HX_REQUEST" not in request.META
    )


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type", "").startswith("text/html")
        and not any(word in response.get("Cache-Control", "") for word in ("private", "no-store"))
        and not (session is not None and session.modified)
        and not len(getattr(request, "_messages", ()))
    )


def _nonce(request: HttpRequest, *, make: bool) -> bytes | None:
    """The request's CSP nonce; unless `make`, only one the page already used (django-csp
    makes it lazily, and names it in the header only once something asked for it)."""
    value = getattr(request, "csp_nonce", None)
    if value is None:
        return None
    # A lazy nonce's `_wrapped` is `empty` until something evaluated it.
    if (
        not make and isinstance(value, SimpleLazyObject) and value._wrapped is empty  # type: ignore[attr-defined]  # not in django-stubs
    ):
        return None
    return str(value).encode() or None


def _punch(request: HttpRequest, content: bytes) -> bytes:
    secret = request.META.get("CSRF_COOKIE")
    if secret:

        def hole(match: re.Match[bytes]) -> bytes:
            token = match.group().decode()
            return CSRF_HOLE if _unmask_cipher_token(token) == secret else match.group()

        content = _MASKED_TOKEN.sub(hole, content)
    if (nonce := _nonce(request, make=False)) and nonce in content:
        content = content.replace(nonce, NONCE_HOLE)
    return content


def _fill(request: HttpRequest, content: bytes) -> bytes:
    if CSRF_HOLE in content:
        content = content.replace(CSRF_HOLE, get_token(request).encode())
    if NONCE_HOLE in content and (nonce := _nonce(request, make=True)):
        content = content.replace(NONCE_HOLE, nonce)
    return content


class PublicPageCacheMiddleware:
    """Last in `MIDDLEWARE`, so that on a hit every other middleware still adds its headers
    and cookies (CSRF cookie, language, security headers, CSP) as for a rendered page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.cache = caches["pages"]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        key = getattr(request, "_page_cache_key", None)
        if key and _storable(request, response):
            content = _punch(request, response.content)
            self.cache.set(
                key, (response["Content-Type"], content), timeout=settings.PAGE_CACHE_SECONDS
            )
        return response

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if not getattr(view, "public_page", False) or not _eligible(request):
            return None
        key = _key(request)
        stored = self.cache.get(key)
        if stored is None:
            setattr(request, "_page_cache_key", key)  # noqa: B010  (read back in __call__)
            return None
        content_type, content = stored
        response = HttpResponse(_fill(request, content), content_type=content_type)
        response["X-Page-Cache"] = "hit"
        return response
