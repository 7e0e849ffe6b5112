"""The dashboard's figures as JSON for signed-in staff (session), scoped like the page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.security import SessionAuth

from copnet.accounts.permissions import Perm, has_network_wide_scope, has_perm
from copnet.core.api_errors import errors
from copnet.core.errors import ApiError, ApiErrorCode

from . import selectors
from .forms import DashboardFilterForm
from .schemas import DashboardFilterIn, DashboardOut


class StaffSession(SessionAuth):
    """The staff member's signed-in session (this endpoint serves the dashboard's pages)."""

    openapi_description = "The session cookie of a signed-in staff member."

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if request.user.is_authenticated:
            return request.user
        raise ApiError(401, ApiErrorCode.UNAUTHORIZED, _("Sign in to the staff area first."))


router = Router(tags=["statistics"], auth=StaffSession())


@router.get(
    "/dashboard",
    response={200: DashboardOut, **errors(403)},
    summary="Dashboard figures for a period",
)
def dashboard(request: HttpRequest, filters: Query[DashboardFilterIn]) -> dict[str, Any]:
    user = request.user
    if not has_perm(user, Perm.VIEW_STATS):
        raise ApiError(403, ApiErrorCode.FORBIDDEN, _("You may not see statistics."))
    form = DashboardFilterForm(
        {k: v for k, v in filters.dict().items() if v},
        network_wide=has_network_wide_scope(user),
    )
    if not form.is_valid():
        field, messages = next(iter(form.errors.items()))
        raise ApiError(
            422, ApiErrorCode.INVALID, messages[0], None if field == "__all__" else field
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
