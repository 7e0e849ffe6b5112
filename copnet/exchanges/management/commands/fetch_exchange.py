from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from copnet.exchanges.models import Exchange
from copnet.exchanges.services import do_fetch_exchange


class Command(BaseCommand):
    help = (
        "Fetch one exchange now, from its stored checkpoint (what the periodic task does). "
        "A fetch killed half-way resumes here after the last page it committed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the exchange's name")

    def handle(self, *args: Any, **options: Any) -> None:
        exchange = Exchange.objects.filter(name=options["name"]).first()
        if exchange is None:
            raise CommandError(f"No exchange is named {options['name']!r}.")
        run = do_fetch_exchange(exchange.pk)
        if run is None:
            raise CommandError("Another process is fetching this exchange (or it is off).")
        self.stdout.write(
            f"{run.status}: {run.pages} pages, {run.added} added, {run.removed} removed"
            + (f" ({run.error})" if run.error else "")
        )
        if run.status != "done":
            raise CommandError(run.error or run.status)
