from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from copnet.cases.privacy import purge_all


class Command(BaseCommand):
    help = (
        "Erase personal data past its retention period: closed cases, volunteer applications, "
        "departed volunteers, idempotency records, expired sessions, old IP addresses."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.PURGE_AFTER_DAYS,
            help="retention of cases after closing, in days (default: %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 0:
            self.stderr.write("--days must be 0 or more.")
            raise SystemExit(2)
        summary = purge_all(case_days=options["days"])
        self.stdout.write(f"Purged personal data of {summary['cases']} closed cases.")
        others = ", ".join(f"{name}: {count}" for name, count in summary.items() if name != "cases")
        self.stdout.write(f"Other retention steps ({others}).")
