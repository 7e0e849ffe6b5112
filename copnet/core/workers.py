"""Heartbeats of task workers and the scheduler, and whether a process that held work is dead.

Each process keeps one `WorkerHeartbeat` row fresh from a thread of its own (so a long task
does not stop it). A process on this host is dead as soon as its process id is gone (a SIGKILL,
an OOM kill) or taken by a newer process; one on another host when its row has not moved for
`WORKER_LEASE_S`.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import threading
from types import TracebackType

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone

from .choices import ProcessKind
from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

HOST = socket.gethostname()[:255]


def process_name(kind: str) -> str:
    """A name no earlier process had (RQ refuses to reuse the name of a worker it saw)."""
    return f"{kind}-{HOST[:30]}-{os.getpid()}-{secrets.token_hex(4)}"[:64]


def pid_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[-1].split()[0] != "Z"  # a zombie is dead
    except OSError:
        return True  # no /proc: the signal test above is all we know


def process_started_at(pid: int) -> float | None:
    """When the process with this id started (Unix time), from /proc; None where unknown."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            ticks = int(stat.read().rsplit(")", 1)[-1].split()[19])
        with open("/proc/stat", encoding="ascii") as system:
            boot = next(int(line.split()[1]) for line in system if line.startswith("btime"))
    except (OSError, ValueError, IndexError, StopIteration):
        return None
    return boot + ticks / os.sysconf("SC_CLK_TCK")


def is_dead(beat: WorkerHeartbeat, now: dt.datetime | None = None) -> bool:
    """On this host the process table decides: a late heartbeat there means a busy database
    (SQLite makes a writer wait), not a dead process. Elsewhere the lease decides."""
    if beat.host == HOST:
        if not pid_running(beat.pid):
            return True
        started = process_started_at(beat.pid)
        return started is not None and started > beat.started_at.timestamp() + 5  # id reused
    now = now or timezone.now()
    return beat.seen_at < now - dt.timedelta(seconds=settings.WORKER_LEASE_S)


def beat(name: str, kind: str, started_at: dt.datetime) -> None:
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(name=name).update(seen_at=now)
    if not updated:
        WorkerHeartbeat.objects.create(
            name=name, kind=kind, host=HOST, pid=os.getpid(), started_at=started_at, seen_at=now
        )


class Heartbeat:
    """`with Heartbeat(kind) as name:` keeps the row of this process fresh until the block ends."""

    def __init__(self, kind: str = ProcessKind.WORKER) -> None:
        self.kind = kind
        self.name = process_name(kind)
        self.started_at = timezone.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{kind}", daemon=True)

    def __enter__(self) -> str:
        beat(self.name, self.kind, self.started_at)
        self._thread.start()
        return self.name

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        try:
            close_old_connections()
            WorkerHeartbeat.objects.filter(name=self.name).delete()
        except Exception as error:  # stopping must not fail because the database is away
            logger.warning("could not remove the heartbeat of %s: %s", self.name, error)

    def _run(self) -> None:
        try:
            while not self._stop.wait(settings.WORKER_HEARTBEAT_S):
                try:
                    close_old_connections()
                    beat(self.name, self.kind, self.started_at)
                except Exception as error:  # e.g. SQLite busy with a long write: try again
                    logger.warning("heartbeat of %s not written: %s", self.name, error)
        finally:
            connections.close_all()


def live_processes(kind: str, now: dt.datetime | None = None) -> list[WorkerHeartbeat]:
    now = now or timezone.now()
    return [b for b in WorkerHeartbeat.objects.filter(kind=kind) if not is_dead(b, now)]


def seconds_since_seen(kind: str, now: dt.datetime | None = None) -> float | None:
    """Seconds since any process of this kind last wrote its heartbeat (None: never seen)."""
    now = now or timezone.now()
    last = (
        WorkerHeartbeat.objects.filter(kind=kind)
        .order_by("-seen_at")
        .values_list("seen_at", flat=True)
        .first()
    )
    return None if last is None else max(0.0, (now - last).total_seconds())


def forget_dead_processes(now: dt.datetime | None = None) -> int:
    """Rows of processes dead for a day: nothing can still refer to them."""
    now = now or timezone.now()
    deleted, _ = WorkerHeartbeat.objects.filter(seen_at__lt=now - dt.timedelta(days=1)).delete()
    return deleted
