"""What a match is: a bank entry and how near; the live entries a match may name."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from copnet.detection.vpdq import FrameMatch

from .models import BankEntry


@dataclass(frozen=True)
class HashMatch:
    entry: BankEntry
    distance: int
    # The allow bank whose match of the same item cancels this one ("" when none does).
    suppressed_by: str = ""


@dataclass(frozen=True)
class VideoHashMatch(HashMatch):
    """A video's match (`video.match_video`): a banked video (`entry.signal_type` vpdq) with
    vPDQ's two percentages, or an image entry (pdq) with the share of frames that matched it;
    `frames` say which (query time and frame, banked time and frame, distance)."""

    query_pct: float = 0.0
    target_pct: float = 0.0
    frames: tuple[FrameMatch, ...] = ()
    usable_frames: int = 0


def live_entries(ids: Iterable[int]) -> dict[int, BankEntry]:
    """The entries among `ids` that may match now: bank active, not expired, not quarantined."""
    now = timezone.now()
    rows = (
        BankEntry.objects.filter(pk__in=set(ids), bank__is_active=True, quarantined_at=None)
        .exclude(expires_at__lt=now)
        .select_related("bank")
    )
    return {row.pk: row for row in rows}
