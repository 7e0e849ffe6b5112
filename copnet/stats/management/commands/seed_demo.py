from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from copnet.stats import demo, rollups, transparency

MAX_CASES = 5_000_000


class Command(BaseCommand):
    help = "Create realistic synthetic demo cases and reports in bulk, then compute statistics."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=2000, help="number of cases (≤ 5M)")
        parser.add_argument("--years", type=float, default=3.0, help="span back from today")
        parser.add_argument("--seed", type=int, default=2025, help="random seed")
        parser.add_argument(
            "--no-stats", action="store_true", help="skip computing the statistics afterwards"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when cases already exist"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["cases"]
        if not 0 < count <= MAX_CASES:
            raise CommandError(f"--cases must be between 1 and {MAX_CASES}")
        if not 0 < options["years"] <= 20:
            raise CommandError("--years must be between 0 and 20")
        if not demo.organisations_exist():
            raise CommandError("Load the reference data first: manage.py load_reference_data")
        from copnet.cases.models import Case

        if options["if_empty"] and Case.objects.exists():
            self.stdout.write("Cases exist already: no demo data added.")
            return
        end = timezone.now()
        start = end - dt.timedelta(days=365 * options["years"])
        began = time.monotonic()
        counts = demo.seed(
            demo.Plan(cases=count, start=start, end=end, seed=options["seed"]),
            progress=lambda n: self.stdout.write(f"  {n:,} cases…"),
        )
        self.stdout.write(
            f"Wrote {counts['cases']:,} cases, {counts['reports']:,} reports in "
            f"{time.monotonic() - began:.1f} s"
        )
        if not options["no_stats"]:
            began = time.monotonic()
            rows = rollups.rebuild_all()
            published = transparency.publish()
            self.stdout.write(
                f"Statistics: {rows:,} rollup rows, {published} quarters published in "
                f"{time.monotonic() - began:.1f} s"
            )
