"""The purge's step for a case's removal requests (registered in TakedownsConfig.ready() into
`cases.privacy.CASE_ERASERS`)."""

from __future__ import annotations

from typing import Any

from .models import RemovalItem, RemovalRequest


def erase_for_case(case: Any) -> dict[str, list[Any]]:
    """Notices, answers, errors and the requested items; returns the audit targets touched."""
    requests = RemovalRequest.objects.filter(case=case)
    requests.update(notice="", answer_note="", last_error="")
    RemovalItem.objects.filter(request__case=case).update(value="", check_detail="")
    return {"takedowns.removalrequest": list(requests.values_list("pk", flat=True))}
