from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from copnet.accounts.decorators import require_perm
from copnet.accounts.permissions import Perm
from copnet.accounts.principal import AuthedHttpRequest

from .selectors import new_p1_cases
from .services import do_acknowledge_alerts

POLL_SECONDS = 30


@require_perm(Perm.VIEW_CASES)
def p1_alert(request: AuthedHttpRequest) -> HttpResponse:
    """The fragment the header polls every POLL_SECONDS (htmx)."""
    return render(request, "alerts/_p1.html", {"cases": new_p1_cases(request.user)})


@require_POST
@require_perm(Perm.VIEW_CASES)
def acknowledge(request: AuthedHttpRequest) -> HttpResponse:
    do_acknowledge_alerts(user=request.user)
    if getattr(request, "htmx", False):
        return render(request, "alerts/_p1.html", {"cases": []})
    return redirect(request.POST.get("next") or "core:staff_home")
