from django.contrib import admin

from .models import PeriodicReport, PublishedQuarter


@admin.register(PeriodicReport)
class PeriodicReportAdmin(admin.ModelAdmin):
    list_display = ["kind", "period_start", "language", "generated_at", "data_as_of"]
    exclude = ["pdf", "xlsx"]
    readonly_fields = ["kind", "period_start", "period_end", "language", "data_as_of", "figures"]


@admin.register(PublishedQuarter)
class PublishedQuarterAdmin(admin.ModelAdmin):
    list_display = ["period_start", "published_at", "data_as_of"]
    readonly_fields = ["period_start", "data_as_of", "data"]
