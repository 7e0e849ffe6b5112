from django.contrib import admin

from copnet.audit.admin_mixins import AuditedModelAdmin

from .models import BankEntry, HashBank, UrlList, UrlListEntry


@admin.register(HashBank)
class HashBankAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "source", "is_active"]


@admin.register(BankEntry)
class BankEntryAdmin(AuditedModelAdmin):
    list_display = ["bank", "signal_type", "value", "source", "added_at", "expires_at"]
    list_filter = ["bank", "signal_type"]
    search_fields = ["value"]


@admin.register(UrlList)
class UrlListAdmin(AuditedModelAdmin):
    list_display = ["name", "category", "source", "is_active"]


@admin.register(UrlListEntry)
class UrlListEntryAdmin(AuditedModelAdmin):
    list_display = ["url_list", "pattern", "kind", "added_at"]
    list_filter = ["url_list", "kind"]
    search_fields = ["pattern"]
