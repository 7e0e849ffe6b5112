"""The dashboard's figures as JSON for signed-in staff (session), scoped like the page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.security import django_auth

from copnet.accounts.permissions import Perm, has_network_wide_scope, has_perm
from copnet.core.errors import ApiError

from . import selectors
from .forms import DashboardFilterForm
from .schemas import DashboardFilterIn, DashboardOut

router = Router(tags=["statistics"], auth=django_auth)


@router.get("/dashboard", response=DashboardOut, summary="Dashboard figures for a period")
def dashboard(request: HttpRequest, filters: Query[DashboardFilterIn]) -> dict[str, Any]:
    user = request.user
    if not has_perm(user, Perm.VIEW_STATS):
        raise ApiError(403, "forbidden", _("You may not see statistics."))
    form = DashboardFilterForm(
        {k: v for k, v in filters.dict().items() if v},
        network_wide=has_network_wide_scope(user),
    )
    if not form.is_valid():
        raise ApiError(
            422,
            "invalid",
            "; ".join(str(e) for errors in form.errors.values() for e in errors),
        )
    board = selectors.dashboard(user, form.filters())
    return {
        "period": board.filters.period.slug,
        "start": board.filters.period.start,
        "end": board.filters.period.last_day,
        "data_as_of": board.data_as_of,
        "totals": board.totals,
        "previous": board.previous,
        "breakdowns": [{"key": b.key, "title": b.title, "rows": b.rows} for b in board.breakdowns],
        "series": [
            {k: p[k] for k in ("start", "label", "cases", "reports", "change")}
            for p in board.series
        ],
        "handling": board.handling,
        "extra": [vars(i) for i in board.extra],
    }
