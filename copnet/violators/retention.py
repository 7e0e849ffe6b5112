"""The purge of a case (`cases.privacy`) takes its account sightings with it; an account that no
other case still names is deleted (its encrypted handle and confirmed suspensions go too)."""

from __future__ import annotations

from typing import Any

from .models import AccountSighting, PlatformAccount


def erase_for_case(case: Any) -> dict[str, list[Any]]:
    account_ids = list(
        AccountSighting.objects.filter(case=case).values_list("account_id", flat=True)
    )
    AccountSighting.objects.filter(case=case).delete()
    orphans = PlatformAccount.objects.filter(pk__in=account_ids, sightings__isnull=True)
    gone = list(orphans.values_list("pk", flat=True))
    orphans.delete()
    return {"violators.platformaccount": gone}
