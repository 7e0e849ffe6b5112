"""`{% p1_alerts %}`: the slot in base.html that polls for new P1 cases (people who see cases)."""

from __future__ import annotations

from typing import Any

from django import template

from copnet.accounts.permissions import Perm, has_perm

from ..views import POLL_SECONDS

register = template.Library()


@register.inclusion_tag("alerts/_slot.html", takes_context=True)
def p1_alerts(context: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    # Not before the second sign-in step is passed (every page would send them there).
    shown = bool(
        user is not None
        and user.is_authenticated
        and getattr(user, "is_verified", lambda: False)()
        and has_perm(user, Perm.VIEW_CASES)
    )
    return {"shown": shown, "every": POLL_SECONDS}
