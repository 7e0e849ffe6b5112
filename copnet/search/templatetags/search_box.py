"""The staff header's search box (`{% search_box %}` in base.html), for people who see cases."""

from __future__ import annotations

from typing import Any

from django import template

from copnet.accounts.permissions import Perm, has_perm

from ..finder import MAX_QUERY

register = template.Library()


@register.inclusion_tag("search/_box.html", takes_context=True)
def search_box(context: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    # Not before the second sign-in step is passed (every page would send them there).
    shown = bool(
        user is not None
        and user.is_authenticated
        and getattr(user, "is_verified", lambda: False)()
        and has_perm(user, Perm.VIEW_CASES)
    )
    query = request.GET.get("q", "") if shown and request is not None else ""
    return {"shown": shown, "query": query[:MAX_QUERY], "max_query": MAX_QUERY}
