from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from copnet.core.orphans import do_sweep_orphan_files


class Command(BaseCommand):
    help = (
        "Remove stored evidence and evaluation files that no row names and that are older than "
        "the grace period (also run hourly by the scheduler)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--grace-hours",
            type=float,
            default=None,
            help="leave files younger than this alone (default: COPNET_ORPHAN_FILE_GRACE_HOURS)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="only count; remove and record nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        grace = options["grace_hours"]
        if grace is not None and grace < 1:
            raise CommandError("--grace-hours must be at least 1: younger files may be in use")
        counts = do_sweep_orphan_files(grace_hours=grace, dry_run=options["dry_run"])
        verb = "would remove" if options["dry_run"] else "removed"
        for name, c in counts.items():
            self.stdout.write(
                f"{name}: {c.files} file(s), {c.recent} within the grace period, "
                f"{verb} {c.removed} orphan(s) and {c.partial} unfinished write(s)"
            )
