from django.contrib import admin

from copnet.audit.admin_mixins import AuditedModelAdmin

from .models import ContactPoint, Duty, Membership, Organisation


class ContactPointInline(admin.TabularInline):
    model = ContactPoint
    extra = 0


class DutyInline(admin.TabularInline):
    model = Duty
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ["code", "abbreviation", "name_vi", "kind", "parent", "active_from", "active_to"]
    list_filter = ["kind"]
    search_fields = ["code", "abbreviation", "name_vi", "name_en"]
    inlines = [ContactPointInline]


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    list_display = ["organisation", "role", "valid_from", "valid_to", "basis"]
    list_filter = ["role"]
    inlines = [DutyInline]


@admin.register(Duty)
class DutyAdmin(AuditedModelAdmin):
    list_display = ["key", "membership", "order", "valid_from", "valid_to"]
