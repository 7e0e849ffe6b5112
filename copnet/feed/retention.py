"""The purge's step for a case's appeals (registered in FeedConfig.ready() into
`cases.privacy.CASE_ERASERS`)."""

from __future__ import annotations

from typing import Any

from .models import Appeal, FeedEntry


def erase_for_case(case: Any) -> dict[str, list[Any]]:
    """The appellant's address, contact and explanation, and the withdrawal reason that quoted
    them; returns the audit targets touched."""
    appeals = Appeal.objects.filter(case=case)
    FeedEntry.objects.filter(appeals__in=appeals).update(withdrawn_reason="")
    appeals.update(address="", contact="", explanation="")
    return {"feed.appeal": list(appeals.values_list("pk", flat=True))}
