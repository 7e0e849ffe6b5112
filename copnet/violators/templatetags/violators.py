"""`{% case_accounts case %}` on the case page: the accounts its reports name, with the
repeat-violator rule's recommendation."""

from __future__ import annotations

from typing import Any

from django import template

from ..services import case_standings

register = template.Library()


@register.inclusion_tag("violators/_case_accounts.html")
def case_accounts(case: Any) -> dict[str, Any]:
    return {"standings": case_standings(case)}
