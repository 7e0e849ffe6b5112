from __future__ import annotations

from django.contrib import admin

from copnet.audit.admin_mixins import AuditedModelAdmin
from copnet.core.readonly_admin import ReadOnlyAdmin

from .models import (
    Breach,
    ConsentRecord,
    LegalGround,
    ProcessingActivity,
    RetentionRule,
    SubjectRequest,
)

# Requests, grounds, consents and breaches are written by services (checked, audited) from the
# officer's pages (/staff/privacy/); here they are only shown. The register and retention
# periods are reference data an administrator may edit (audited).


@admin.register(RetentionRule)
class RetentionRuleAdmin(AuditedModelAdmin):
    list_display = ["code", "title_vi", "setting", "days", "kept_under_legal_hold"]


@admin.register(ProcessingActivity)
class ProcessingActivityAdmin(AuditedModelAdmin):
    list_display = ["code", "name_vi", "legal_basis", "retention", "to_verify"]


@admin.register(SubjectRequest)
class SubjectRequestAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "status", "received_at", "due_at", "answered_at"]
    list_filter = ["status", "kind"]
    exclude = ["details", "answer"]


@admin.register(LegalGround)
class LegalGroundAdmin(ReadOnlyAdmin):
    list_display = ["case", "ground", "basis", "placed_at", "released_at"]
    exclude = ["note"]


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    list_display = ["case", "purpose", "given_by", "given_at", "withdrawn_at"]


@admin.register(Breach)
class BreachAdmin(ReadOnlyAdmin):
    list_display = ["pk", "organisation", "status", "discovered_at", "notify_due"]
    exclude = ["summary", "assessment"]
