"""Start the web server, a task worker and the scheduler together; restart the worker and the
scheduler when they die; stop them all on Ctrl-C or SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


def worker_command() -> list[str]:
    if settings.TASKS_BACKEND in {"rq", "database"}:
        # db_worker or rqworker (SimpleWorker), with a heartbeat and recovery at start
        return [sys.executable, str(settings.BASE_DIR / "manage.py"), "run_worker"]
    return []  # the immediate backend runs tasks in the web process


ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


def web_command(host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "copnet.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        # No client address or browser in the access log: the public channels promise that
        # no IP address of a reporter is kept (docs/personal-data.md).
        "--access-logformat",
        ACCESS_LOG_FORMAT,
        "--graceful-timeout",
        "10",
    ]


RESTARTED = {"worker", "scheduler"}  # the web server's exit stops the platform instead
MAX_RESTART_DELAY_S = 60
STEADY_S = 60  # a child that ran this long is healthy again: its next restart is quick


class Command(BaseCommand):
    help = (
        "Run the web server, the task worker and the scheduler; a worker or scheduler that dies "
        "is started again; Ctrl-C or SIGTERM stops them all."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2")))

    def handle(self, *args: Any, **options: Any) -> None:
        # Everything the platform writes (database journals, evidence, cache, uploads in
        # progress) is for the service account only; the children inherit this.
        os.umask(0o077)
        commands = {"web": web_command(options["host"], options["port"], options["workers"])}
        if worker := worker_command():
            commands["worker"] = worker
            commands["scheduler"] = [
                sys.executable,
                str(settings.BASE_DIR / "manage.py"),
                "run_scheduler",
            ]
        children = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}  # noqa: S603
        started = dict.fromkeys(commands, time.monotonic())
        delays = dict.fromkeys(commands, float(settings.RESTART_DELAY_S))
        restart_at: dict[str, float] = {}
        self.stdout.write(
            f"COPNet is running at http://{options['host']}:{options['port']}/ "
            f"(tasks: {settings.TASKS_BACKEND}). Press Ctrl-C to stop."
        )
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        exit_code = 0
        while not stopping:
            now = time.monotonic()
            for name, child in children.items():
                if name in restart_at:
                    if now >= restart_at[name]:
                        del restart_at[name]
                        children[name] = subprocess.Popen(commands[name])  # noqa: S603
                        started[name] = now
                        self.stderr.write(f"The {name} process was started again.")
                    continue
                if child.poll() is None:
                    continue
                if name not in RESTARTED:
                    self.stderr.write(f"The {name} process exited ({child.returncode}); stopping.")
                    exit_code = child.returncode or 1
                    stopping = True
                    break
                if now - started[name] > STEADY_S:
                    delays[name] = float(settings.RESTART_DELAY_S)
                restart_at[name] = now + delays[name]
                self.stderr.write(
                    f"The {name} process exited ({child.returncode}); starting it again in "
                    f"{delays[name]:.0f} s."
                )
                delays[name] = min(MAX_RESTART_DELAY_S, max(1.0, delays[name] * 2))
            time.sleep(0.2)
        for name, child in children.items():
            if name not in restart_at and child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self.stdout.write("COPNet stopped.")
        if exit_code:
            sys.exit(exit_code)
