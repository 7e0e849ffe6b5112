from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render

from copnet.accounts.decorators import require_perm
from copnet.accounts.permissions import Perm
from copnet.accounts.principal import AuthedHttpRequest

from .errors import SearchError
from .finder import MAX_QUERY, find


@require_perm(Perm.VIEW_CASES)
def search(request: AuthedHttpRequest) -> HttpResponse:
    raw = request.GET.get("q", "")
    context: dict[str, object] = {"max_query": MAX_QUERY}
    status = 200
    if "q" in request.GET:
        try:
            found = find(request.user, raw)
        except SearchError as exc:
            context["error"] = exc.message
            status = 400
        else:
            if found.redirect:
                return redirect(found.redirect)
            context["found"] = found
    context["query"] = raw[:MAX_QUERY]
    return render(request, "search/results.html", context, status=status)
