from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from copnet.banks.choices import BankKind
from copnet.banks.models import HashBank
from copnet.banks.services import export_hashes, import_hashes

MAX_FILE_BYTES = 512 * 1024 * 1024


def read_import_file(name: str) -> str:
    """The UTF-8 text of an import file given on the command line, or CommandError."""
    path = Path(name)
    if not path.is_file():
        raise CommandError(f"{path} is not a file.")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise CommandError("The file is larger than 512 MB; split it.")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path} is not UTF-8 text.") from exc


def progress_bar(total: int, stream: Any = sys.stderr) -> Any:
    def show(done: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return show


class Command(BaseCommand):
    help = "Import or export a hash bank (CSV with signal_type,value or a signal file)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import")
        imp.add_argument("file")
        imp.add_argument("--bank", required=True)
        imp.add_argument("--kind", choices=BankKind.values, default=BankKind.KNOWN_ABUSE)
        imp.add_argument("--source", default="")
        exp = sub.add_parser("export")
        exp.add_argument("--bank", required=True)
        exp.add_argument("--format", choices=["csv", "signals"], default="csv")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            bank = HashBank.objects.filter(name=options["bank"]).first()
            if bank is None:
                raise CommandError(f"No bank named {options['bank']!r}.")
            self.stdout.write(export_hashes(bank, options["format"]), ending="")
            return
        text = read_import_file(options["file"])
        bank, _ = HashBank.objects.get_or_create(
            name=options["bank"], defaults={"kind": options["kind"], "source": options["source"]}
        )
        total = sum(1 for line in text.splitlines() if line.strip())
        result = import_hashes(
            bank=bank,
            text=text,
            actor=None,
            source=options["source"],
            progress=progress_bar(max(total - 1, 1), self.stderr),
        )
        if result.errors:
            raise CommandError("Nothing imported:\n" + "\n".join(result.errors))
        self.stdout.write(f"{result.added} added, {result.duplicates} already in {bank.name}.")
