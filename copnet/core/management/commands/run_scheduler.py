from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from copnet.core.schedule import schedule


class Command(BaseCommand):
    help = "Enqueue periodic tasks on schedule (runs beside the worker; Ctrl-C stops it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="enqueue everything once, exit")

    def handle(self, *args: Any, **options: Any) -> None:
        entries = schedule()
        if options["once"]:
            for entry in entries:
                entry.enqueue()
            return
        running = True

        def stop(signum: int, frame: Any) -> None:
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        next_run = {entry.name: time.monotonic() + 60 for entry in entries}
        while running:
            now = time.monotonic()
            for entry in entries:
                if now >= next_run[entry.name]:
                    entry.enqueue()
                    next_run[entry.name] = now + entry.every
            time.sleep(1)
