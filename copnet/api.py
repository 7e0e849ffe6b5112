"""The JSON API at /api/v1: one NinjaAPI that mounts each app's router."""

from __future__ import annotations

import math

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, Throttled, ValidationError

from copnet.banks.api import router as banks_router
from copnet.core.api import router as core_router
from copnet.core.api_docs import OfflineSwagger
from copnet.core.api_throttle import ApiThrottle
from copnet.core.errors import ApiError, RateLimited, rate_limited_message
from copnet.education.api import router as education_router
from copnet.evaluations.api import router as evaluations_router
from copnet.feed.api import router as feed_router
from copnet.network.api import router as network_router
from copnet.reports.api import router as reports_router
from copnet.stats.api import router as stats_router
from copnet.takedowns.api import router as takedowns_router
from copnet.volunteers.api import router as volunteers_router

api = NinjaAPI(
    title="COPNet API",
    version="1",
    description="API of the Child Online Protection Network (VN-COP).",
    urls_namespace="api",
    docs_url="/docs",
    docs=OfflineSwagger(),
    throttle=[ApiThrottle()],
)


def _rate_limited(request: HttpRequest, retry_after: int) -> HttpResponse:
    response = api.create_response(
        request,
        {"code": "rate_limited", "message": rate_limited_message(retry_after)},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


@api.exception_handler(RateLimited)
def on_rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    return _rate_limited(request, exc.retry_after)


@api.exception_handler(Throttled)
def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return _rate_limited(request, max(1, math.ceil(exc.wait or 60)))


@api.exception_handler(ApiError)
def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return api.create_response(
        request, {"code": exc.code, "detail": exc.message}, status=exc.status
    )


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {
            "code": "unauthorized",
            "detail": _("A valid API key is required (Authorization: Bearer)."),
        },
        status=401,
    )


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request,
        {"code": "invalid", "detail": _("The request is not valid."), "errors": exc.errors},
        status=422,
    )


api.add_router("", core_router)
api.add_router("/network", network_router)
api.add_router("", reports_router)
api.add_router("", banks_router)
api.add_router("", evaluations_router)
api.add_router("/learn", education_router)
api.add_router("", takedowns_router)
api.add_router("", feed_router)
api.add_router("/volunteers", volunteers_router)
api.add_router("/stats", stats_router)
