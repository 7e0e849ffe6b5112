"""Liveness of what the platform depends on: the database and the task backend."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection


@dataclass(frozen=True)
class HealthReport:
    database: str
    tasks: str
    tasks_backend: str

    @property
    def ok(self) -> bool:
        return self.database == "ok" and self.tasks == "ok"


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        return f"error: {type(exc).__name__}"
    return "ok"


def check_tasks() -> str:
    backend = settings.TASKS_BACKEND
    try:
        if backend == "rq":
            import redis

            client = redis.Redis.from_url(
                settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
            )
            try:
                client.ping()
            finally:
                client.close()
        elif backend == "database":
            from django_tasks_db.models import DBTaskResult

            DBTaskResult.objects.exists()
    except Exception as exc:  # a broken backend is reported, never raised
        return f"error: {type(exc).__name__}"
    return "ok"


def check_health() -> HealthReport:
    return HealthReport(
        database=check_database(), tasks=check_tasks(), tasks_backend=settings.TASKS_BACKEND
    )
