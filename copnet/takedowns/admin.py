from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from copnet.core.admin_defaults import URL_FIELDS_HTTPS
from copnet.core.readonly_admin import ReadOnlyAdmin

from .models import Platform


@admin.register(Platform)
class PlatformAdmin(ReadOnlyAdmin):
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
