from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from copnet.core.admin_defaults import URL_FIELDS_HTTPS

from .choices import AuditAction
from .services import diff_fields, record_change, snapshot


class AuditedModelAdmin(admin.ModelAdmin):
    """Edits made in the admin site go to the same audit trail as edits made in the app."""

    formfield_overrides = URL_FIELDS_HTTPS

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        record_change(
            actor=request.user,
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            target=obj,
            changes=diff_fields(before, snapshot(obj)),
            reason="admin site",
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            record_change(
                actor=request.user, action=AuditAction.DELETE, target=obj, reason="admin site"
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        """The bulk "delete selected" action: one audit row per row, in the same transaction."""
        with transaction.atomic():
            for obj in queryset:
                record_change(
                    actor=request.user, action=AuditAction.DELETE, target=obj, reason="admin site"
                )
            super().delete_queryset(request, queryset)
