"""Removing stored files that no row names: left by a process that died between writing the
encrypted file and committing its row (or between a purge's commit and its file deletes).

Files younger than the grace period are never touched, because their transaction may still be
open; the grace period (ORPHAN_FILE_GRACE_HOURS) must be longer than any request can take.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from copnet.audit.choices import AuditAction
from copnet.audit.services import record

from .filestore import FileStore

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileArea:
    name: str
    store: Callable[[], FileStore]
    named: Callable[[list[str]], set[str]]  # which of these keys a row names


@dataclass
class SweepCounts:
    files: int = 0  # stored files looked at
    recent: int = 0  # younger than the grace period: left alone
    removed: int = 0  # older, named by no row: removed
    partial: int = 0  # unfinished writes (temporary files) removed


def file_areas() -> list[FileArea]:
    """Every store of encrypted files, with the rows that name its files."""
    from copnet.evaluations import files as evaluation_files
    from copnet.reports.evidence import evidence_store

    return [
        FileArea("evidence", evidence_store, _evidence_paths),
        FileArea("evaluation-files", evaluation_files.vault, _evaluation_paths),
    ]


def _evidence_paths(keys: list[str]) -> set[str]:
    from copnet.reports.models import Evidence, PendingUpload

    # The `<> ''` terms let PostgreSQL use the partial indexes on both columns (a BitmapOr of
    # two index scans); no ORDER BY, which would make it walk the primary key instead.
    rows = (
        Evidence.objects.filter(
            (Q(blob_path__in=keys) & ~Q(blob_path=""))
            | (Q(preview_path__in=keys) & ~Q(preview_path=""))
        )
        .order_by()
        .values_list("blob_path", "preview_path")
    )
    named = {path for row in rows for path in row}
    # Pictures kept after a form error are named by their row until the purge deletes both.
    named.update(
        PendingUpload.objects.filter(blob_path__in=keys).values_list("blob_path", flat=True)
    )
    return named


def _evaluation_paths(keys: list[str]) -> set[str]:
    from copnet.evaluations.models import ScoreEvidence, VendorDocument

    named: set[str] = set()
    for model in (VendorDocument, ScoreEvidence):
        rows = model.objects.filter(blob_path__in=keys).order_by()
        named.update(rows.values_list("blob_path", flat=True))
    return named


def do_sweep_orphan_files(
    *, grace_hours: float | None = None, now: dt.datetime | None = None, dry_run: bool = False
) -> dict[str, SweepCounts]:
    """Remove, from every file store, the files that no row names and that are older than the
    grace period; returns the counts per store and writes one audit row with them (counts only:
    no keys, nothing about any person). Idempotent; several hosts may run it at once. With
    `dry_run`, only counts (`removed` then says how many would go) and writes nothing."""
    from copnet.reports.pending import purge_pending_uploads

    hours = settings.ORPHAN_FILE_GRACE_HOURS if grace_hours is None else grace_hours
    cutoff = (now or timezone.now()) - dt.timedelta(hours=hours)
    # Pictures kept after a form error live PENDING_UPLOAD_MINUTES, less than the grace period:
    # the hourly sweep deletes the expired ones (rows and files) first.
    expired = 0 if dry_run else purge_pending_uploads(now=now or timezone.now())
    result: dict[str, SweepCounts] = {}
    for area in file_areas():
        result[area.name] = counts = SweepCounts()
        store = area.store()
        for page in store.pages():
            old = [item.key for item in page if item.modified < cutoff]
            counts.files += len(page)
            counts.recent += len(page) - len(old)
            if not old:
                continue
            named = area.named(old)
            orphans = [key for key in old if key not in named]
            if orphans and not dry_run:
                store.delete_many(orphans)
            counts.removed += len(orphans)
        if not dry_run:
            counts.partial = store.remove_partial_writes(before=cutoff)
        if counts.removed or counts.partial:
            logger.warning(
                "orphan sweep removed %s file(s) and %s partial write(s) from %s",
                counts.removed,
                counts.partial,
                area.name,
            )
    if not dry_run:
        record(
            actor=None,
            action=AuditAction.DELETE,
            target_type="core.storedfile",
            changes={
                "grace_hours": hours,
                **({"expired_pending_uploads": expired} if expired else {}),
                **{name: asdict(c) for name, c in result.items()},
            },
            reason="orphan file sweep",
        )
    return result
