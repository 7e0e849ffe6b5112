"""The coordinators' bulk re-route page (/staff/routing/reroute/, mounted in copnet/urls.py:
routing's URLs sit below cases and cannot name this view)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from copnet.accounts.decorators import require_perm
from copnet.accounts.permissions import Perm
from copnet.routing.errors import RerouteError

from .reroute import cases_to_reroute, do_reroute_cases


@require_perm(Perm.MANAGE_TAXONOMY)
def reroute(request: HttpRequest) -> HttpResponse:
    """Open cases whose lead differs from today's routing; a coordinator re-routes a choice."""
    error = None
    reason = ""
    chosen: list[str] = []
    if request.method == "POST":
        chosen = request.POST.getlist("cases")
        reason = request.POST.get("reason", "")
        try:
            done = do_reroute_cases(principal=request.user, references=chosen, reason=reason)
        except RerouteError as exc:
            error = exc.message
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d case was re-routed.", "%(count)d cases were re-routed.", len(done)
                )
                % {"count": len(done)},
            )
            return redirect("reroute")
    return render(
        request,
        "cases/reroute.html",
        {
            "proposals": cases_to_reroute(request.user),
            "error": error,
            "reason": reason,
            "chosen": set(chosen),
        },
    )
