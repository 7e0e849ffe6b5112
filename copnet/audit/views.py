from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from copnet.accounts.decorators import require_perm
from copnet.accounts.permissions import Perm
from copnet.core.http import HtmxHttpRequest

from .describe import describe
from .forms import AuditFilterForm
from .selectors import audit_events_visible_to


@require_perm(Perm.VIEW_AUDIT)
def audit_list(request: HtmxHttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_events_visible_to(request.user, filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = [(event, describe(event)) for event in page]
    template = "audit/_events.html" if request.htmx else "audit/list.html"
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    return render(request, template, context)
