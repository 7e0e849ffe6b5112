from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static import admin as static_admin
from django_otp.plugins.otp_totp import admin as totp_admin

from copnet.audit.admin_mixins import AuditedModelAdmin

from . import services
from .models import ApiKey, User

# django-otp registers its devices on the admin site, with their secrets and a QR code page.
# Second factors are kept on the audited pages only (the person's security page, a coordinator's
# reset); importing django-otp's admin modules above makes the order of apps irrelevant.
for _device in (static_admin.StaticDevice, totp_admin.TOTPDevice):
    if admin.site.is_registered(_device):
        admin.site.unregister(_device)


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "organisation", "role", "is_active", "is_staff"]
    list_filter = ["role", "is_active", "organisation"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "organisation", "role", "language"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "organisation", "role", "password1", "password2"],
            },
        ),
    ]
    actions = ["deactivate"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # An account that acted is in the audit trail for good: deactivate it instead.
        if obj is not None and services.has_acted(obj):
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description=_("Deactivate the selected users"))
    def deactivate(self, request: HttpRequest, queryset: Any) -> None:
        for user in queryset:
            services.do_deactivate_user(user=user, actor=request.user, reason="admin site")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["organisation"]
    fields = ["organisation", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        key, raw_key = services.do_create_api_key(
            organisation=obj.organisation, name=obj.name, actor=request.user
        )
        obj.pk = key.pk
        messages.warning(
            request, _("Copy the key now, it will not be shown again: %(key)s") % {"key": raw_key}
        )

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        for key in queryset:
            services.do_revoke_api_key(key=key, actor=request.user, reason="admin site")
