from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from copnet.core.admin_defaults import URL_FIELDS_HTTPS

from .models import Platform


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    """The platform registry, to look at only: it is edited on the staff pages
    (/staff/takedowns/platforms/), where domains, channels and the write-only API token are
    validated and every change is audited. The token is never shown here."""

    list_display = ["name", "code", "kind", "channel", "organisation", "is_active"]
    list_filter = ["kind", "channel", "is_active"]
    search_fields = ["name", "code", "domains"]
    exclude = ["api_token"]
    formfield_overrides = URL_FIELDS_HTTPS
    readonly_fields = ["api_token_stored"]

    @admin.display(description=_("API token"), boolean=True)
    def api_token_stored(self, obj: Platform) -> bool:
        return bool(obj.api_token)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
