from django.contrib import admin

from copnet.core.readonly_admin import ReadOnlyAdmin

from .models import FeedVersion


@admin.register(FeedVersion)
class FeedVersionAdmin(ReadOnlyAdmin):
    """Versions are published by `feed.services.versions` (audited); deleting one here would
    break every partner's diff from it."""

    list_display = ["number", "published_at", "added", "withdrawn"]
