from django.contrib import admin

from copnet.audit.admin_mixins import AuditedModelAdmin

from .models import HarmCategory


@admin.register(HarmCategory)
class HarmCategoryAdmin(AuditedModelAdmin):
    list_display = [
        "code",
        "name_vi",
        "severity",
        "default_lead",
        "ack_hours",
        "action_hours",
        "close_days",
        "is_active",
    ]
    list_filter = ["severity", "is_active"]
    filter_horizontal = ["default_supporting"]
