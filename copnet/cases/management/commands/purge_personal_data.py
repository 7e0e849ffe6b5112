from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from copnet.cases.privacy import purge_personal_data


class Command(BaseCommand):
    help = "Erase personal data of cases closed longer ago than the retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.PURGE_AFTER_DAYS,
            help="retention after closing, in days (default: %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 0:
            self.stderr.write("--days must be 0 or more.")
            raise SystemExit(2)
        count = purge_personal_data(older_than_days=options["days"])
        self.stdout.write(f"Purged personal data of {count} closed cases.")
