"""The bank safety layer: per-bank PDQ thresholds, allow banks, flood quarantine.

- Threshold: `HashBank.pdq_threshold` (empty: `COPNET_PDQ_THRESHOLD`). The engine queries its
  index at the widest threshold of an active bank and `services.match_hashes` keeps each match
  within its own bank's. A change takes a detection-data generation, so every process re-reads
  the thresholds before its next match.
- Allow banks (`BankKind.ALLOW`): known benign images. A match of an item in an allow bank
  cancels that item's matches in other banks (`services.apply_allow_banks`); they are still
  reported, with `suppressed_by` and the reason, and raise no priority.
- Flood quarantine: after triage stores hash hits, an entry whose hits name more than
  `COPNET_FLOOD_MATCHES` distinct evidence items within `COPNET_FLOOD_WINDOW_SECONDS` is
  quarantined: it stops matching (`services._live_entries`), the generation moves on, an audit
  row is written and the curators (MANAGE_BANKS) are e-mailed; the staff detection page lists
  quarantined entries until a curator releases one (audited). API queries never count: a
  partner cannot pause our entries by querying.
- Confirm/deconfirm of a match is the analysts' verdict of the exchanges app
  (`exchanges.feedback.do_record_verdict`), not repeated here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from copnet.accounts.models import User
from copnet.accounts.permissions import Perm, has_perm
from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change
from copnet.core.mail import queue_email

from .choices import ChangeKind
from .errors import DetectionErrorCode, DetectionInputError
from .generations import begin_change, end_change
from .models import BankEntry, DetectionHit, HashBank

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal

MAX_PDQ_THRESHOLD = 128  # beyond that, any two hashes are closer than the threshold


def suppressed_reason(allow_bank: str) -> str | None:
    if not allow_bank:
        return None
    return _("suppressed by allow bank %(bank)s") % {"bank": allow_bank}


def do_set_bank_threshold(
    *, bank: HashBank, threshold: int | None, actor: Principal | None
) -> HashBank:
    """Set (or clear, with None) the bank's PDQ threshold; audited, seen by every process."""
    if threshold is not None and (
        isinstance(threshold, bool)
        or not isinstance(threshold, int)
        or not 0 <= threshold <= MAX_PDQ_THRESHOLD
    ):
        raise DetectionInputError(DetectionErrorCode.BAD_THRESHOLD, field="pdq_threshold")
    with transaction.atomic():
        generation = begin_change()
        locked = HashBank.objects.select_for_update().get(pk=bank.pk)
        before = locked.pdq_threshold
        locked.pdq_threshold = threshold
        locked.save(update_fields=["pdq_threshold"])
        end_change(generation, kind=ChangeKind.THRESHOLD)
        if before != threshold:
            record_change(
                actor=actor,
                action=AuditAction.UPDATE,
                target=locked,
                changes={"pdq_threshold": [before, threshold]},
            )
    return locked


def do_set_bank_vpdq_shares(
    *,
    bank: HashBank,
    query_pct: float | None,
    target_pct: float | None,
    actor: Principal | None,
) -> HashBank:
    """Set (or clear, with None) the two vPDQ shares a video match of this bank needs;
    audited, seen by every process (a generation is taken)."""
    for value in (query_pct, target_pct):
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not 0 <= value <= 100  # also refuses NaN
        ):
            raise DetectionInputError(DetectionErrorCode.BAD_VPDQ_PCT, field="vpdq_query_pct")
    with transaction.atomic():
        generation = begin_change()
        locked = HashBank.objects.select_for_update().get(pk=bank.pk)
        before = (locked.vpdq_query_pct, locked.vpdq_target_pct)
        locked.vpdq_query_pct, locked.vpdq_target_pct = query_pct, target_pct
        locked.save(update_fields=["vpdq_query_pct", "vpdq_target_pct"])
        end_change(generation, kind=ChangeKind.THRESHOLD)
        if before != (query_pct, target_pct):
            record_change(
                actor=actor,
                action=AuditAction.UPDATE,
                target=locked,
                changes={
                    "vpdq_query_pct": [before[0], query_pct],
                    "vpdq_target_pct": [before[1], target_pct],
                },
            )
    return locked


# --- Flood quarantine ---------------------------------------------------------------------------


def check_floods(entry_ids: Iterable[int]) -> list[BankEntry]:
    """Quarantine the entries among these that matched too many distinct items lately.
    Returns the entries quarantined now. Idempotent: a quarantined entry is left alone."""
    ids = {pk for pk in entry_ids if pk}
    if not ids or settings.FLOOD_MATCHES <= 0:
        return []
    since = timezone.now() - dt.timedelta(seconds=settings.FLOOD_WINDOW_SECONDS)
    counts = (
        DetectionHit.objects.filter(bank_entry__in=ids, created_at__gte=since)
        .filter(  # hits from before a curator's release are not counted again
            Q(bank_entry__quarantine_released_at=None)
            | Q(created_at__gt=F("bank_entry__quarantine_released_at"))
        )
        .values("bank_entry")
        .annotate(items=Count("evidence", distinct=True))
        .filter(items__gt=settings.FLOOD_MATCHES)
    )
    flooded = {row["bank_entry"]: row["items"] for row in counts}
    if not flooded:
        return []
    paused: list[BankEntry] = []
    with transaction.atomic():
        generation = begin_change()
        rows = BankEntry.objects.select_for_update().filter(pk__in=flooded, quarantined_at=None)
        now = timezone.now()
        for entry in rows.select_related("bank"):
            entry.quarantined_at = now
            entry.quarantine_matches = flooded[entry.pk]
            entry.save(update_fields=["quarantined_at", "quarantine_matches"])
            record_change(
                actor=None,
                action=AuditAction.UPDATE,
                target=entry,
                changes={
                    "quarantined": True,
                    "bank": entry.bank.name,
                    "distinct_items": flooded[entry.pk],
                    "window_seconds": settings.FLOOD_WINDOW_SECONDS,
                },
            )
            _alert_curators(entry)
            paused.append(entry)
        end_change(generation, kind=ChangeKind.QUARANTINE)
    return paused


def _curator_addresses() -> list[str]:
    users = User.objects.filter(is_active=True).exclude(email="")
    return [user.email for user in users if has_perm(user, Perm.MANAGE_BANKS)]


def _alert_curators(entry: BankEntry) -> None:
    subject = _("COPNet: a bank entry was quarantined")
    body = _(
        "Entry %(entry)s of bank %(bank)s matched %(items)s different items within "
        "%(seconds)s seconds and was paused. Review it on the detection page and release it "
        "if the matches were right."
    ) % {
        "entry": entry.pk,
        "bank": entry.bank.name,
        "items": entry.quarantine_matches,
        "seconds": settings.FLOOD_WINDOW_SECONDS,
    }
    stamp = entry.quarantined_at.isoformat() if entry.quarantined_at else ""
    queue_email(
        key=f"banks.quarantine:{entry.pk}:{stamp}",
        to=_curator_addresses(),
        subject=subject,
        body=body,
    )


def quarantined_entries() -> QuerySet[BankEntry]:
    return (
        BankEntry.objects.filter(quarantined_at__isnull=False)
        .select_related("bank")
        .order_by("-quarantined_at", "pk")
    )


def do_release_entry(*, entry: BankEntry, actor: Principal | None) -> BankEntry:
    """A curator releases a quarantined entry: it matches again from the next match on. Its
    hits stay; the flood count restarts from the release."""
    with transaction.atomic():
        generation = begin_change()
        locked = BankEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.quarantined_at is None:
            raise DetectionInputError(DetectionErrorCode.NOT_QUARANTINED)
        before = locked.quarantined_at
        locked.quarantined_at = None
        locked.quarantine_released_at = timezone.now()
        locked.save(update_fields=["quarantined_at", "quarantine_released_at"])
        end_change(generation, kind=ChangeKind.QUARANTINE)
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=locked,
            changes={"quarantined": False, "quarantined_at": before},
        )
    return locked
