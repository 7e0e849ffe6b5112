from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from copnet.network.services import load_reference_data
from copnet.taxonomy.services import load_categories
from copnet.volunteers.reference import load_training_items


class Command(BaseCommand):
    help = "Load the reference data (idempotent; never overwrites what was edited since)."

    def handle(self, *args: Any, **options: Any) -> None:
        network = load_reference_data()
        categories = load_categories()
        training = load_training_items()
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Network directory: {network.created} rows created, "
                f"{network.existing} already present. Harm categories: {categories} created."
            )
            self.stdout.write(f"Volunteer training items: {training} created.")
