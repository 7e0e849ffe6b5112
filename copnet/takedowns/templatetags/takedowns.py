"""`{% case_removal_requests case %}`: the removal requests section of the case page."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django import template

from copnet.accounts.permissions import Perm, has_perm
from copnet.core.text import strip_format_controls

from ..choices import default_urgency
from ..forms import RequestForm
from ..models import Platform

if TYPE_CHECKING:
    from copnet.cases.models import Case

register = template.Library()


def _suggested_platform(case: Case, urls: list[str]) -> Platform | None:
    from copnet.detection.base import SignalError
    from copnet.detection.urls import parse_url

    hosts = set()
    for url in urls:
        try:
            hosts.add(parse_url(url).host)
        except SignalError:
            continue
    for platform in Platform.objects.filter(is_active=True):
        names = platform.domain_list()
        if platform.name.lower() == (case.platform or "").strip().lower():
            return platform
        if any(h == d or h.endswith("." + d) for h in hosts for d in names):
            return platform
    return None


@register.inclusion_tag("takedowns/_case_requests.html", takes_context=True)
def case_removal_requests(context: dict[str, Any], case: Case) -> dict[str, Any]:
    from copnet.reports.models import Report, ReportUrl

    user = context["request"].user
    can_request = has_perm(user, Perm.REQUEST_REMOVALS) and case.is_open
    form = None
    if can_request:
        # Addresses are encrypted (each copy differently): duplicates are dropped here, and
        # any invisible format character an older row kept is left out of the suggestion.
        stored = ReportUrl.objects.visible_to(user).filter(report__case=case).order_by("pk")
        urls = list(
            dict.fromkeys(
                strip_format_controls(url)
                for url in stored.values_list("normalised", flat=True)
                if url
            )
        )
        handles = Report.objects.visible_to(user).filter(case=case).order_by("pk")
        accounts = list(
            dict.fromkeys(
                strip_format_controls(handle).strip()
                for text in handles.values_list("account_handles", flat=True)
                for handle in re.split(r"[\n,;]+", text or "")
                if handle.strip()
            )
        )
        form = RequestForm(
            initial={
                "urls": "\n".join(urls),
                "accounts": "\n".join(accounts),
                "platform": _suggested_platform(case, urls),
                "urgency": default_urgency(case.priority),
            }
        )
    return {
        "case": case,
        "removal_requests": case.removal_requests.select_related("platform").order_by(
            "-created_at"
        ),
        "can_request": can_request,
        "request_form": form,
        "csrf_token": context.get("csrf_token"),
    }
