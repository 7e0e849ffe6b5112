"""Typed requests for views that use what middleware adds to Django's `HttpRequest`."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that went through `django_htmx.middleware.HtmxMiddleware`."""

    htmx: HtmxDetails
