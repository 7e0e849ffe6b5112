from django.contrib import admin

from copnet.audit.admin_mixins import AuditedModelAdmin

from .models import HarmCategory, HarmGuidance


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


@admin.register(HarmGuidance)
class HarmGuidanceAdmin(AuditedModelAdmin):
    """Content editors keep the advice for reporters here; every save is audited."""

    list_display = ["category", "course", "lesson_order", "updated_at"]
    list_select_related = ["category", "course"]
    search_fields = ["category__code", "category__name_vi", "category__name_en"]
