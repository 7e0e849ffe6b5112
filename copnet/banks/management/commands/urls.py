from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from copnet.banks.models import UrlList
from copnet.banks.services import import_urls
from copnet.taxonomy.models import HarmCategory

from .bank import progress_bar, read_import_file


class Command(BaseCommand):
    help = "Import a list of harmful hosts or addresses (one per line)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import")
        imp.add_argument("file")
        imp.add_argument("--list", required=True, dest="list_name")
        imp.add_argument("--category", required=True)
        imp.add_argument("--source", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        category = HarmCategory.objects.filter(code=options["category"]).first()
        if category is None:
            raise CommandError(f"Unknown category {options['category']!r}.")
        text = read_import_file(options["file"])
        url_list, _ = UrlList.objects.get_or_create(
            name=options["list_name"], defaults={"category": category, "source": options["source"]}
        )
        total = max(sum(1 for line in text.splitlines() if line.strip()), 1)
        result = import_urls(
            url_list=url_list, text=text, actor=None, progress=progress_bar(total, self.stderr)
        )
        if result.errors:
            raise CommandError("Nothing imported:\n" + "\n".join(result.errors))
        self.stdout.write(f"{result.added} added, {result.duplicates} already in {url_list.name}.")
