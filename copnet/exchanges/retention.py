"""The purge's step for a case's international exchange records (registered in
ExchangesConfig.ready() into `cases.privacy.CASE_ERASERS`)."""

from __future__ import annotations

from typing import Any

from .models import ForeignReport, Referral


def erase_for_case(case: Any) -> dict[str, list[Any]]:
    """A CyberTipline referral's uploader account, addresses, devices and file names; a report
    sent abroad's address and payload."""
    Referral.objects.filter(case=case).update(people={})
    ForeignReport.objects.filter(case=case).update(url="", payload={})
    return {}
