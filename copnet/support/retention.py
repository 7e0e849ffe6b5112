"""Personal data of referrals and hotline messages, erased with their case's
(`erase_for_case`, registered in SupportConfig.ready() into `cases.privacy.CASE_ERASERS`)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .models import CallNote, Referral, WebhookDelivery


def erase_for_case(case: Any) -> dict[str, list[Any]]:
    now = timezone.now()
    referrals = Referral.objects.filter(case=case)
    referrals.update(
        reason="",
        child_name="",
        child_contact="",
        summary="",
        child_views="",
        ground_note="",
        answer_note="",
        assessment_note="",
        plan_note="",
        outcome_note="",
        purged_at=now,
    )
    deliveries = WebhookDelivery.objects.filter(case=case) | WebhookDelivery.objects.filter(
        referral__case=case
    )
    deliveries.update(payload={})
    notes = CallNote.objects.filter(case=case)
    notes.update(text="")
    return {
        "support.referral": list(referrals.values_list("pk", flat=True)),
        "support.callnote": list(notes.values_list("pk", flat=True)),
    }
