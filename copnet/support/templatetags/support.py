"""`{% case_referrals case %}`: the referrals-for-support section of the case page."""

from __future__ import annotations

from typing import Any

from django import template

from copnet.accounts.permissions import Perm, has_perm

from ..forms import ReferralForm
from ..models import CallNote, Referral

register = template.Library()


@register.inclusion_tag("support/_case_referrals.html", takes_context=True)
def case_referrals(context: dict[str, Any], case: Any) -> dict[str, Any]:
    user = context["request"].user
    can_refer = has_perm(user, Perm.REFER_FOR_SUPPORT) and case.is_open
    return {
        "case": case,
        "referrals": Referral.objects.visible_to(user)
        .filter(case=case)
        .select_related("receiving_org"),
        "call_notes": CallNote.objects.visible_to(user)
        .filter(case=case)
        .select_related("organisation"),
        "can_refer": can_refer,
        "form": ReferralForm(own_org=user.organisation_id) if can_refer else None,
        "csrf_token": context.get("csrf_token"),
    }
