from django.contrib import admin

from copnet.audit.admin_mixins import AuditedModelAdmin
from copnet.core.readonly_admin import ReadOnlyAdmin

from .models import TrainingItem, Volunteer


@admin.register(TrainingItem)
class TrainingItemAdmin(AuditedModelAdmin):
    list_display = ["code", "title_vi", "order", "is_active"]


@admin.register(Volunteer)
class VolunteerAdmin(ReadOnlyAdmin):
    """Read-only here: levels and status change through the coordinator pages (audited)."""

    list_display = ["user", "province", "level", "status", "joined_at"]
    list_filter = ["status", "level"]
