from __future__ import annotations

from django.contrib import admin

from copnet.core.readonly_admin import ReadOnlyAdmin

from .models import (
    Exchange,
    FeedbackMessage,
    FetchRun,
    HashSubmission,
    HotlineEndpoint,
    Indicator,
)

# To look at only: exchanges are configured on the staff pages (/staff/exchanges/), whose
# service checks the endpoint, the transfer ground and the permission, and audits.


@admin.register(Exchange)
class ExchangeAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "is_active", "last_fetch_at", "last_success_at", "last_error"]
    exclude = ["credentials"]  # never shown back


@admin.register(FetchRun)
class FetchRunAdmin(ReadOnlyAdmin):
    list_display = ["exchange", "started_at", "status", "pages", "added", "removed", "error"]
    list_filter = ["status", "exchange"]


@admin.register(FeedbackMessage)
class FeedbackMessageAdmin(ReadOnlyAdmin):
    list_display = ["exchange", "verdict", "external_id", "status", "attempts", "created_at"]
    list_filter = ["status", "exchange"]


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ["exchange", "external_id", "kind", "classification", "last_seen"]
    list_filter = ["kind", "exchange"]


@admin.register(HashSubmission)
class HashSubmissionAdmin(ReadOnlyAdmin):
    list_display = ["exchange", "submission", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "exchange"]


@admin.register(HotlineEndpoint)
class HotlineEndpointAdmin(ReadOnlyAdmin):
    list_display = ["code", "endpoint", "is_active"]
    exclude = ["credentials"]  # never shown back
