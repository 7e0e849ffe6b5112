from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from copnet.audit.choices import AuditAction
from copnet.audit.services import record
from copnet.core.filestore import LocalFileStore, copy_files
from copnet.evaluations import files as evaluation_files
from copnet.reports.evidence import evidence_store


class Command(BaseCommand):
    help = (
        "Copy the encrypted evidence and evaluation files of the local folders to the object "
        "store in EVIDENCE_STORAGE_URL (as they are, same keys); run before switching a host "
        "over, and again after: files already there are skipped."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.EVIDENCE_STORAGE_URL:
            raise CommandError("Set EVIDENCE_STORAGE_URL to the object store to copy to.")
        pairs = {
            "evidence": (LocalFileStore(settings.EVIDENCE_ROOT), evidence_store()),
            "evaluation-files": (
                LocalFileStore(settings.EVALUATION_FILES_ROOT),
                evaluation_files.vault(),
            ),
        }
        counts = {}
        for name, (source, target) in pairs.items():
            copied, skipped = copy_files(source, target)
            counts[name] = {"copied": copied, "already_there": skipped}
            self.stdout.write(f"{name}: copied {copied}, already there {skipped}")
        record(
            actor=None,
            action=AuditAction.UPDATE,
            target_type="core.storedfile",
            changes=counts,
            reason="local files copied to the object store",
        )
