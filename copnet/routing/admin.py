from django.contrib import admin

from copnet.audit.admin_mixins import AuditedModelAdmin

from .models import ProvincialRule, RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedModelAdmin):
    list_display = ["category", "platform", "province", "lead", "is_active"]
    list_filter = ["category", "is_active"]
    filter_horizontal = ["supporting"]


@admin.register(ProvincialRule)
class ProvincialRuleAdmin(AuditedModelAdmin):
    list_display = ["category", "service", "role", "valid_from", "valid_to", "is_active"]
    list_filter = ["service", "role", "is_active"]
