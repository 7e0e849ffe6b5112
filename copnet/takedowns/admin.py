from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from copnet.audit.admin_mixins import AuditedModelAdmin
from copnet.audit.choices import AuditAction
from copnet.audit.services import diff_fields, record_change, snapshot

from .models import Platform

SECRET_FIELDS = {"api_token"}


def _public_snapshot(platform: Platform) -> dict[str, Any]:
    data = snapshot(platform)
    for name in SECRET_FIELDS:
        data[name] = "***" if data.get(name) else ""
    return data


@admin.register(Platform)
class PlatformAdmin(AuditedModelAdmin):
    """The platform registry. The API token never reaches the audit trail, only its presence."""

    list_display = ["name", "code", "kind", "channel", "organisation", "is_active"]
    list_filter = ["kind", "channel", "is_active"]
    search_fields = ["name", "code", "domains"]
    # The token is write-only: set or clear it on the staff page (/staff/takedowns/platforms/),
    # where it is validated; the admin never shows it.
    exclude = ["api_token"]
    readonly_fields = ["api_token_stored"]

    @admin.display(description=_("API token"), boolean=True)
    def api_token_stored(self, obj: Platform) -> bool:
        return bool(obj.api_token)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = _public_snapshot(Platform.objects.get(pk=obj.pk)) if change else {}
        admin.ModelAdmin.save_model(self, request, obj, form, change)
        record_change(
            actor=request.user,
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            target=obj,
            changes=diff_fields(before, _public_snapshot(obj)),
            reason="admin site",
        )
