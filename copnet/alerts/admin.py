from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from copnet.core.admin_defaults import URL_FIELDS_HTTPS
from copnet.core.readonly_admin import ReadOnlyAdmin

from .models import Webhook, WebhookDelivery
from .services import do_save_webhook


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ("organisation", "url", "active", "created_at")
    list_filter = ("active",)
    formfield_overrides = URL_FIELDS_HTTPS

    def save_model(self, request: HttpRequest, obj: Webhook, form: Any, change: bool) -> None:
        do_save_webhook(webhook=obj, actor=request.user)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("case", "webhook", "event", "state", "attempts", "last_status", "delivered_at")
    list_filter = ("state", "event")
