from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import TaskRecovery, WorkerHeartbeat


class _ReadOnly(admin.ModelAdmin):
    """Written by the platform itself; the admin site only shows them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(_ReadOnly):
    list_display = ["name", "kind", "host", "pid", "started_at", "seen_at"]
    list_filter = ["kind", "host"]


@admin.register(TaskRecovery)
class TaskRecoveryAdmin(_ReadOnly):
    list_display = ["at", "task_path", "task_id", "reason", "worker", "replacement_id"]
    list_filter = ["reason", "task_path"]
    search_fields = ["task_id", "replacement_id", "worker"]
