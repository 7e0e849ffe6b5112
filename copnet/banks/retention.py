"""The purge's step for a case's detection hits (registered in BanksConfig.ready() into
`cases.privacy.CASE_ERASERS`)."""

from __future__ import annotations

from typing import Any

from .choices import HitKind
from .models import DetectionHit


def erase_for_case(case: Any) -> dict[str, list[Any]]:
    """Detection spans (they quote the reported text) and URL hits' labels."""
    DetectionHit.objects.filter(case=case).update(spans=[])
    for hit in DetectionHit.objects.filter(case=case, kind=HitKind.URL).select_related(
        "url_entry__url_list"
    ):
        # The label quoted the list's pattern, which may be the reported address itself.
        name = hit.url_entry.url_list.name if hit.url_entry else ""
        DetectionHit.objects.filter(pk=hit.pk).update(label=name)
    return {}
