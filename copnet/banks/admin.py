"""Banks and lists, to look at only: they are edited on the staff pages (/staff/detection/),
whose services validate, audit, and take the next detection-data generation so that every
process sees the change before its next match."""

from __future__ import annotations

from django.contrib import admin

from copnet.core.readonly_admin import ReadOnlyAdmin

from .models import BankEntry, HashBank, UrlList, UrlListEntry


@admin.register(HashBank)
class HashBankAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "source", "is_active"]


@admin.register(BankEntry)
class BankEntryAdmin(ReadOnlyAdmin):
    list_display = ["bank", "signal_type", "value", "source", "added_at", "expires_at"]
    list_filter = ["bank", "signal_type"]
    search_fields = ["value"]


@admin.register(UrlList)
class UrlListAdmin(ReadOnlyAdmin):
    list_display = ["name", "category", "source", "is_active"]


@admin.register(UrlListEntry)
class UrlListEntryAdmin(ReadOnlyAdmin):
    list_display = ["url_list", "pattern", "kind", "added_at"]
    list_filter = ["url_list", "kind"]
    search_fields = ["pattern"]
