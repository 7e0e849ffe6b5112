from django.contrib import admin

from .models import FeedVersion


@admin.register(FeedVersion)
class FeedVersionAdmin(admin.ModelAdmin):
    list_display = ["number", "published_at", "added", "withdrawn"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
