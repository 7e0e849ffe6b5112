from django.contrib import admin

from .models import Campaign


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["code", "title_vi", "organisation", "starts_on", "ends_on", "is_public"]
