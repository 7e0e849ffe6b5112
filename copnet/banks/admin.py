from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import BankEntry, HashBank, UrlList, UrlListEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    """Banks and lists, to look at only: they are edited on the staff pages
    (/staff/detection/), whose services validate, audit, and take the next detection-data
    generation so that every process sees the change before its next match."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
