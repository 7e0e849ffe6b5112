from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from copnet.accounts.decorators import require_perm
from copnet.accounts.permissions import Perm, has_network_wide_scope, has_perm
from copnet.accounts.principal import AuthedHttpRequest
from copnet.alerts.selectors import STUCK_AFTER_DAYS, home_counts
from copnet.core.health import check_health
from copnet.core.page_cache import public_page


@public_page
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@require_perm(Perm.VIEW_STAFF_AREA)
def staff_home(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    health = check_health() if has_perm(user, Perm.VIEW_PLATFORM_HEALTH) else None
    mine, per_org = home_counts(user) if has_perm(user, Perm.VIEW_CASES) else (None, [])
    return render(
        request,
        "core/staff_home.html",
        {
            "network_wide": has_network_wide_scope(user),
            "can": {perm.value: has_perm(user, perm) for perm in Perm},
            "health": health,
            "grace_minutes": max(1, round(settings.RECOVERY_GRACE_S / 60)),
            "my_counts": mine,
            "org_counts": per_org,
            "stuck_days": STUCK_AFTER_DAYS,
        },
    )


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"status": 400}, status=400)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"status": 403}, status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"status": 404}, status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "core/error.html", {"status": 500}, status=500)


@public_page
def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy notice (for children too): what is kept, for how long, children's rights."""
    return render(
        request,
        "core/privacy.html",
        {
            "purge_days": settings.PURGE_AFTER_DAYS,
            "application_days": settings.APPLICATION_RETENTION_DAYS,
            "pending_minutes": settings.PENDING_UPLOAD_MINUTES,
        },
    )
