from __future__ import annotations

from django.contrib import admin

from .models import TaskRecovery, WorkerHeartbeat
from .readonly_admin import ReadOnlyAdmin

# Written by the platform itself; the admin site only shows them.


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "host", "pid", "started_at", "seen_at"]
    list_filter = ["kind", "host"]


@admin.register(TaskRecovery)
class TaskRecoveryAdmin(ReadOnlyAdmin):
    list_display = ["at", "task_path", "task_id", "reason", "worker", "replacement_id"]
    list_filter = ["reason", "task_path"]
    search_fields = ["task_id", "replacement_id", "worker"]
