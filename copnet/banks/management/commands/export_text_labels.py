from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from copnet.banks.labels import export_text_labels


def parse_since(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--since must be a date such as 2026-01-31, not {value!r}.") from exc


class Command(BaseCommand):
    help = (
        "Export texts of decided cases with the analysts' label (CSV text,label,category) for "
        "`python -m copnet.detection.text.train --extra FILE`. No personal data is exported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="CSV file to write, or - for stdout")
        parser.add_argument("--since", help="only cases closed on or after this date (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        since = parse_since(options["since"])
        if options["out"] == "-":
            summary = export_text_labels(out=self.stdout, since=since)
        else:
            path = Path(options["out"])
            if not path.parent.is_dir():
                raise CommandError(f"{path.parent} is not a folder.")
            with path.open("w", encoding="utf-8", newline="") as handle:
                summary = export_text_labels(out=handle, since=since)
        labels = ", ".join(f"{k} {v}" for k, v in sorted(summary.labels.items())) or "none"
        sys.stderr.write(
            f"{summary.rows} texts ({labels}); skipped: {summary.skipped_purged} purged, "
            f"{summary.skipped_conflicting} with conflicting labels.\n"
        )
