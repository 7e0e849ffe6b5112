"""Staff pages: the referral form on the case page, the receiving body's queue, the detail page
with the actions the workflow allows, the delivery log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from copnet.accounts.models import User
from copnet.support.models import Referral, WebhookDelivery

from .factories import make_case, make_hotline, make_referral

pytestmark = pytest.mark.django_db


def form_data(hotline, **overrides):
    data = {
        "receiving_org": hotline.pk,
        "service": "hotline_111",
        "risk_level": "high",
        "reason": "Cần tư vấn tâm lý",
        "shared_fields": ["category", "contact"],
        "child_contact": "0900 000 000",
        "child_age": "12",
        "child_views": "Em đồng ý",
        "child_consent": "given",
        "representative_consent": "given",
        "legal_ground": "consent",
    }
    data.update(overrides)
    return data


def test_refer_from_the_case_page_then_the_receiver_works_it(client, alice, org_a):
    hotline = make_hotline(url="https://hotline111.example/hooks")
    operator = User.objects.get(organisation=hotline)
    case = make_case(lead=org_a, category="sextortion")
    client.force_login(alice)
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert 'id="support-referrals"' in page
    assert reverse("support:create", args=[case.reference]) in page

    answer = client.post(reverse("support:create", args=[case.reference]), form_data(hotline))
    referral = Referral.objects.get()
    assert answer.url == reverse("support:detail", args=[referral.reference])
    assert WebhookDelivery.objects.filter(referral=referral).count() == 1

    client.force_login(operator)
    queue = client.get(reverse("support:queue")).content.decode()
    assert referral.reference in queue
    detail = client.get(reverse("support:detail", args=[referral.reference])).content.decode()
    assert 'data-action="accept"' in detail
    assert 'data-action="decline"' in detail
    assert 'data-action="withdraw"' not in detail
    assert "0900 000 000" in detail  # shared
    assert "Em đồng ý" not in detail  # the consent record stays with the referring body
    assert case.reference not in detail

    move = reverse("support:move", args=[referral.reference])
    client.post(move, {"target": "accepted"})
    client.post(move, {"target": "assessed", "note": "Đã liên hệ"})
    client.post(move, {"target": "planned", "note": "Kế hoạch"})
    client.post(move, {"target": "closed", "outcome": "bogus"})
    assert Referral.objects.get().status == "planned"  # refused: not an outcome
    client.post(move, {"target": "closed", "outcome": "supported", "note": "Xong"})
    assert Referral.objects.get().status == "closed"

    client.force_login(alice)
    detail = client.get(reverse("support:detail", args=[referral.reference])).content.decode()
    assert "Em đồng ý" in detail
    assert "data-action" not in detail  # nothing left to do


def test_a_user_of_another_organisation_cannot_see_or_accept(client, alice, charlie, org_a):
    hotline = make_hotline()
    referral = make_referral(case=make_case(lead=org_a), actor=alice, to=hotline)
    client.force_login(charlie)
    assert client.get(reverse("support:detail", args=[referral.reference])).status_code == 404
    answer = client.post(reverse("support:move", args=[referral.reference]), {"target": "accepted"})
    assert answer.status_code == 404
    assert Referral.objects.get().status == "sent"
    assert (
        referral.reference not in client.get(reverse("support:queue") + "?box=all").content.decode()
    )


def test_the_referring_side_cannot_accept_its_own_referral(client, alice, org_a):
    hotline = make_hotline()
    referral = make_referral(case=make_case(lead=org_a), actor=alice, to=hotline)
    client.force_login(alice)
    detail = client.get(reverse("support:detail", args=[referral.reference])).content.decode()
    assert 'data-action="accept"' not in detail
    assert 'data-action="withdraw"' in detail
    answer = client.post(
        reverse("support:move", args=[referral.reference]), {"target": "accepted"}, follow=True
    )
    assert (
        "receiving organisation" in answer.content.decode()
        or "tiếp nhận" in answer.content.decode()
    )
    assert Referral.objects.get().status == "sent"


def test_an_outside_body_is_not_offered_and_a_forged_choice_is_refused(client, alice, org_a):
    from copnet.network.tests.factories import make_organisation

    outside = make_organisation(code="OUTSIDE", member=False)
    case = make_case(lead=org_a)
    client.force_login(alice)
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "OUTSIDE" not in page
    client.post(reverse("support:create", args=[case.reference]), form_data(outside))
    assert not Referral.objects.exists()


def test_the_delivery_log(client, alice, coordinator, org_a):
    hotline = make_hotline(url="https://hotline111.example/hooks")
    operator = User.objects.get(organisation=hotline)
    make_referral(case=make_case(lead=org_a), actor=alice, to=hotline)
    event_id = str(WebhookDelivery.objects.get().event_id)
    for user, sees in ((coordinator, True), (operator, True), (alice, False)):
        client.force_login(user)
        page = client.get(reverse("support:deliveries")).content.decode()
        assert (event_id in page) is sees
