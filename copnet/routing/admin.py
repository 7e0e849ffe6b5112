from django.contrib import admin

from copnet.audit.admin_mixins import AuditedModelAdmin

from .models import RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedModelAdmin):
    list_display = ["category", "platform", "province", "lead", "is_active"]
    list_filter = ["category", "is_active"]
    filter_horizontal = ["supporting"]
