"""Checking whether a requested address is still online (fetched through `fetch`: safe
destinations only, every redirect re-checked)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change

from .. import fetch
from ..choices import CheckResult, ItemKind
from ..errors import TakedownError, TakedownErrorCode
from ..models import RemovalItem

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal


GONE_STATUSES = frozenset({404, 410, 451})


def check_url(url: str) -> tuple[str, str]:
    """(CheckResult, detail) for one address, fetched through `fetch` (safe destinations only)."""
    try:
        response = fetch.fetch(url)
    except fetch.FetchRefused as exc:
        if exc.code == "dns":
            return CheckResult.GONE, "host not found"
        return CheckResult.REFUSED, exc.detail
    except Exception as exc:  # noqa: BLE001  timeouts, resets, broken answers
        return CheckResult.ERROR, f"{type(exc).__name__}: {exc}"[:300]
    if response.status in GONE_STATUSES:
        return CheckResult.GONE, f"HTTP {response.status}"
    if 200 <= response.status < 300:
        return CheckResult.STILL_ONLINE, f"HTTP {response.status}"
    return CheckResult.ERROR, f"HTTP {response.status}"


def do_check_item(*, item: RemovalItem, actor: Principal | None) -> RemovalItem:
    if item.kind != ItemKind.URL:
        raise TakedownError(TakedownErrorCode.NOT_A_URL, _("Only addresses can be checked."))
    result, detail = check_url(item.value)
    with transaction.atomic():
        item.check_result, item.check_detail = result, detail[:300]
        item.checked_at = timezone.now()
        item.save(update_fields=["check_result", "check_detail", "checked_at"])
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=item.request,
            changes={"checked": item.pk, "result": result},
            reason="verification check",
        )
    return item
