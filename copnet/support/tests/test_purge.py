"""A referral's personal data, the hotline's call notes and webhook payloads go with the case's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from copnet.cases.models import Case
from copnet.cases.privacy import purge_personal_data
from copnet.support.models import CallNote, Referral, WebhookDelivery

from .factories import make_case, make_hotline, make_referral

pytestmark = pytest.mark.django_db


def test_the_purge_erases_referrals_call_notes_and_payloads(alice, org_a):
    hotline = make_hotline(url="https://hotline111.example/hooks")
    case = make_case(lead=org_a)
    referral = make_referral(case=case, actor=alice, to=hotline)
    CallNote.objects.create(
        case=case, organisation=hotline, event_id="c1", called_at=timezone.now(), text="Bí mật"
    )
    Case.objects.filter(pk=case.pk).update(
        status="rejected", closed_at=timezone.now() - dt.timedelta(days=400)
    )
    assert purge_personal_data(older_than_days=365) == 1
    referral = Referral.objects.get(pk=referral.pk)
    for name in ("reason", "child_name", "child_contact", "summary", "child_views"):
        assert getattr(referral, name) == ""
    assert referral.purged_at is not None
    assert referral.risk_level == "high"  # kept for statistics
    assert CallNote.objects.get().text == ""
    assert WebhookDelivery.objects.get().payload == {}
