"""/api/v1/docs: Swagger UI from the app's own static files (vendored swagger-ui-dist), so the
page works without internet access and loads no third-party script on the app's origin."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase


class OfflineSwagger(DocsBase):
    template = "core/api_docs.html"

    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        context = {"api": api, "openapi_url": self.get_openapi_url(api, kwargs)}
        return render(request, self.template, context)
