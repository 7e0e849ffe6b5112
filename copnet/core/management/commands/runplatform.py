"""Start the web server and a task worker together; stop both on Ctrl-C or SIGTERM."""

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
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    if settings.TASKS_BACKEND == "rq":
        # SimpleWorker runs jobs in the worker process itself (no fork per job), so the
        # detection indexes stay in its memory between jobs.
        return [
            *manage,
            "rqworker",
            *settings.TASK_QUEUES,
            "--job-class",
            "django_tasks_rq.Job",
            "--worker-class",
            "rq.worker.SimpleWorker",
        ]
    if settings.TASKS_BACKEND == "database":
        return [*manage, "db_worker", "--queue-name", ",".join(settings.TASK_QUEUES)]
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


class Command(BaseCommand):
    help = "Run the web server and the task worker; Ctrl-C or SIGTERM stops both."

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
            for name, child in children.items():
                if child.poll() is not None:
                    self.stderr.write(f"The {name} process exited ({child.returncode}); stopping.")
                    exit_code = child.returncode or 1
                    stopping = True
            time.sleep(0.2)
        for child in children.values():
            if child.poll() is None:
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
