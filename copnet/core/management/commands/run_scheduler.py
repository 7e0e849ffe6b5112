from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from copnet.core.choices import ProcessKind
from copnet.core.schedule import Scheduler, schedule
from copnet.core.workers import Heartbeat


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
        scheduler = Scheduler(entries, started=time.monotonic())
        with Heartbeat(ProcessKind.SCHEDULER):
            while running:
                scheduler.tick(time.monotonic())
                time.sleep(0.5)
