from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _

from copnet.accounts.principal import AuthedHttpRequest
from copnet.core.admin_defaults import URL_FIELDS_HTTPS
from copnet.core.readonly_admin import ReadOnlyAdmin

from .models import CriteriaSet, Criterion, Evaluation, Product, Section, Vendor
from .services.criteria import do_new_criteria_version, set_in_use


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ["code", "version", "title_en", "is_current"]
    list_filter = ["code", "is_current"]
    inlines = [SectionInline]
    actions = ["new_version"]

    @admin.action(description=_("Make an editable new version"))
    def new_version(self, request: AuthedHttpRequest, queryset: Any) -> None:
        for criteria_set in queryset:
            new = do_new_criteria_version(criteria_set=criteria_set, actor=request.user)
            self.message_user(request, _("Created %(set)s.") % {"set": new})

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A version used by an evaluation is frozen: make a new version instead.
        return super().has_change_permission(request, obj) and not (obj and set_in_use(obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["code", "section", "weight", "mandatory"]
    list_filter = ["section__criteria_set", "mandatory"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not (
            obj and set_in_use(obj.section.criteria_set)
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS_HTTPS
    list_display = ["organisation", "website", "created_at"]
    readonly_fields = ["organisation", "registered_by"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS_HTTPS
    list_display = ["name", "vendor", "kind", "age_min", "age_max"]
    list_filter = ["kind"]
    search_fields = ["name"]
    readonly_fields = ["vendor", "slug"]


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    """Read-only: the workflow (and its audit trail) lives in the staff pages."""

    list_display = ["__str__", "status", "verdict", "score", "expires_on"]
    list_filter = ["status", "verdict"]
