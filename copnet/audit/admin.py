from __future__ import annotations

from django.contrib import admin

from copnet.core.readonly_admin import ReadOnlyAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "actor_org", "action", "target_type", "target_repr", "ip"]
    list_filter = ["action", "target_type", "actor_org"]
    search_fields = ["actor_label", "target_id", "target_repr"]
    date_hierarchy = "at"
