from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from copnet.accounts.services import do_create_api_key
from copnet.network.selectors import organisation_by_code


class Command(BaseCommand):
    help = (
        "Create an API key for a partner organisation. The key is printed alone on the last line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="organisation code, e.g. VNCERT")
        parser.add_argument("--name", required=True, help="what the key is for")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = organisation_by_code(options["org"])
        if organisation is None:
            raise CommandError(f"No organisation with code {options['org']!r}.")
        if not organisation.is_active_on():
            raise CommandError(f"Organisation {organisation.code} is no longer active.")
        name = options["name"].strip()
        if not name or len(name) > 100:
            raise CommandError("--name must be 1 to 100 characters.")
        key, raw_key = do_create_api_key(organisation=organisation, name=name, actor=None)
        self.stderr.write(
            f"API key {key.prefix} created for {organisation.code}. "
            "Store it now: it cannot be shown again."
        )
        self.stdout.write(raw_key)
