"""The real platform (`manage.py runplatform`, as `make run` starts it) for end-to-end tests:
its own data directory and port, the test database (PostgreSQL) or its own SQLite file, the
task backend the suite runs on (database, or RQ on the suite's Redis)."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
MANAGE = [sys.executable, str(ROOT / "manage.py")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def child_pids(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


class LivePlatform:
    def __init__(self, data_dir: Path, **env: str) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.postgres = connection.vendor == "postgresql"
        keep = {k: v for k, v in os.environ.items() if not k.startswith("COPNET_")}
        keep.pop("DATABASE_URL", None)
        self.env = {
            **keep,
            "COPNET_DATA_DIR": str(data_dir),
            "PORT": str(self.port),
            "WEB_WORKERS": "2",
            "TASKS_BACKEND": settings.TASKS_BACKEND,
            "PYTHONUNBUFFERED": "1",
            # the keys of this process: rows it wrote (API key, encrypted fields) stay readable
            "SECRET_KEY": settings.SECRET_KEY,
            "COPNET_ENCRYPTION_KEYS": ",".join(settings.ENCRYPTION_KEYS),
            **env,
        }
        if self.postgres:
            db = connection.settings_dict
            self.dsn = (
                f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
                f"{db['PORT'] or 5432}/{db['NAME']}"
            )
            self.env["DATABASE_URL"] = self.dsn
        self.process: subprocess.Popen[str] | None = None
        self.log_path = data_dir / "platform.log"

    # --- setting up -----------------------------------------------------------------------

    def prepare(self) -> str:
        """Reference data and an API key of VNCERT, written by this (transactional) test; on
        SQLite the suite's in-memory database is then copied to the platform's own file."""
        from django.core.management import call_command

        from copnet.accounts.services import do_create_api_key
        from copnet.network.models import Organisation

        call_command("load_reference_data", verbosity=0)
        _key, raw = do_create_api_key(
            organisation=Organisation.objects.get(code="VNCERT"), name="e2e", actor=None
        )
        if not self.postgres:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            connection.ensure_connection()
            target = sqlite3.connect(self.data_dir / "copnet.sqlite3")
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        return raw

    def start(self) -> None:
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [*MANAGE, "runplatform"],
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log()
            if self.worker_pid() and self.health(timeout=2).get("workers"):
                return
            time.sleep(0.3)
        raise AssertionError(f"the platform did not start:\n{self.log()}")

    def stop(self) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                for pid in child_pids(self.process.pid):
                    os.kill(pid, signal.SIGKILL)
                self.process.kill()
                self.process.wait()
        self._log.close()
        return self.process.returncode

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]

    # --- looking at it --------------------------------------------------------------------

    def worker_pid(self) -> int | None:
        assert self.process is not None
        for pid in child_pids(self.process.pid):
            if "run_worker" in command_line(pid):
                return pid
        return None

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(req, timeout=120) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def health(self, timeout: float = 10) -> dict[str, Any]:
        try:
            with urllib.request.urlopen(  # noqa: S310
                f"http://127.0.0.1:{self.port}/api/v1/health", timeout=timeout
            ) as response:
                return json.loads(response.read())
        except (OSError, ValueError):
            return {}

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Read the platform's database directly (committed rows only)."""
        if self.postgres:
            import psycopg

            with psycopg.connect(self.dsn.replace("postgres://", "postgresql://", 1)) as conn:
                return conn.execute(sql).fetchall()
        path = self.data_dir / "copnet.sqlite3"
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=20) as conn:
            return conn.execute(sql).fetchall()

    def scalar(self, sql: str) -> Any:
        return self.query(sql)[0][0]

    def running_task_args(self, task_path: str) -> list[Any] | None:
        """The arguments of a task of this kind a worker is running now (either backend)."""
        if settings.TASKS_BACKEND == "rq":
            import redis
            from rq.job import Job
            from rq.registry import StartedJobRegistry

            conn = redis.Redis.from_url(settings.REDIS_URL)
            ids = StartedJobRegistry("default", connection=conn).get_job_ids(cleanup=False)
            for job in Job.fetch_many(ids, connection=conn):
                if job is not None and job.func_name == task_path:
                    return list(job.args)
            return None
        rows = self.query(
            "SELECT task_path, args_kwargs FROM django_tasks_database_dbtaskresult "
            "WHERE status = 'RUNNING'"
        )
        for path, found in rows:
            if path == task_path:
                return list((json.loads(found) if isinstance(found, str) else found)["args"])
        return None
