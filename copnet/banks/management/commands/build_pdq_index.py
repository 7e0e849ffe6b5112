from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from copnet.banks.machine_index import build_index_file, build_lock, index_path
from copnet.detection.pdqfile import IndexFileError, MappedPdqIndex


class Command(BaseCommand):
    help = (
        "Build the machine's PDQ index file from the database (e.g. at deploy), or check it "
        "in full with --verify. Running processes pick a new file up on their next match."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--verify",
            action="store_true",
            help="check the whole file's checksum instead of building it (exit status 1 when "
            "it is damaged; run without --verify to rebuild it)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = index_path()
        if path is None:
            raise CommandError(
                "COPNET_PDQ_INDEX_DIR is empty: each process keeps its PDQ index in memory."
            )
        if options["verify"]:
            self._verify(path)
            return
        started = time.monotonic()
        with build_lock(path):
            position, hashes = build_index_file(path)
        self.stdout.write(
            f"{path}: {hashes} hashes at generation {position}, "
            f"{path.stat().st_size} bytes, built in {time.monotonic() - started:.1f} s"
        )

    def _verify(self, path: Any) -> None:
        if not path.exists():
            raise CommandError(f"{path} does not exist: run build_pdq_index.")
        started = time.monotonic()
        try:
            index = MappedPdqIndex(path, verify=True)
        except IndexFileError as error:
            raise CommandError(f"{path} is damaged: {error} Run build_pdq_index.") from error
        try:
            self.stdout.write(
                f"{path}: sound (version {index.header['version']}, {index.count} hashes at "
                f"generation {index.position}, {index.size} bytes, checked in "
                f"{time.monotonic() - started:.1f} s)"
            )
        finally:
            index.close()
