from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from copnet.network.services import load_reference_data


class Command(BaseCommand):
    help = "Load the Network's reference data (idempotent; never overwrites edits)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_reference_data()
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Network directory: {result.created} rows created, "
                f"{result.existing} already present."
            )
