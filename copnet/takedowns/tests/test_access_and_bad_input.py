"""Need-to-know on removal requests, and bad input that must change nothing."""

from __future__ import annotations

import pytest

from copnet.cases.models import CaseAction
from copnet.takedowns import services
from copnet.takedowns.errors import TakedownError
from copnet.takedowns.models import RemovalItem, RemovalRequest
from copnet.takedowns.tests.factories import make_case, make_platform, make_request


@pytest.fixture
def draft(alice, evidence_dir):
    case = make_case(lead=alice.organisation)
    return make_request(case=case, platform=make_platform(), actor=alice)


@pytest.mark.django_db
def test_another_organisation_cannot_see_or_touch_the_request(client, draft, charlie, bob):
    client.force_login(charlie)
    for path in [
        f"/staff/takedowns/{draft.reference}/",
        f"/staff/takedowns/{draft.reference}/notice.pdf",
    ]:
        assert client.get(path).status_code == 404
    assert client.post(f"/staff/takedowns/{draft.reference}/send/").status_code == 404
    item = draft.items.get()
    assert client.post(f"/staff/takedowns/items/{item.pk}/check/").status_code == 404
    response = client.post(
        f"/staff/takedowns/from-case/{draft.case.reference}/",
        {
            "platform": draft.platform.pk,
            "urls": "https://x.example/",
            "legal_basis": "authority_request",
            "urgency": "normal",
        },
    )
    assert response.status_code == 404
    assert draft.reference not in client.get("/staff/takedowns/").content.decode()
    assert RemovalRequest.objects.get().status == "draft"
    client.force_login(bob)  # a colleague of the lead organisation sees it
    assert client.get(f"/staff/takedowns/{draft.reference}/").status_code == 200
    pdf = client.get(f"/staff/takedowns/{draft.reference}/notice.pdf")
    assert pdf["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    ("urls", "accounts", "code"),
    [
        (["javascript:alert(1)"], [], "invalid_url"),
        (["data:text/html,<b>x</b>"], [], "invalid_url"),
        (["ftp://files.example/x"], [], "invalid_url"),
        (["https://ok.example/\x00"], [], "invalid_item"),
        ([], ["bad\u0007account"], "invalid_item"),
        (["   "], [""], "no_items"),
        ([f"https://x.example/{i}" for i in range(101)], [], "too_many_items"),
        (["https://x.example/" + "a" * 3000], [], "invalid_item"),
    ],
)
@pytest.mark.django_db
def test_bad_items_create_nothing(alice, evidence_dir, urls, accounts, code):
    case = make_case(lead=alice.organisation)
    with pytest.raises(TakedownError) as caught:
        make_request(case=case, platform=make_platform(), actor=alice, urls=urls, accounts=accounts)
    assert caught.value.code == code
    assert RemovalRequest.objects.count() == 0
    assert RemovalItem.objects.count() == 0
    assert CaseAction.objects.count() == 0


@pytest.mark.django_db
def test_the_form_shows_a_translated_error_for_a_bad_address(client, alice, evidence_dir):
    from copnet.core.testing import vi

    case = make_case(lead=alice.organisation)
    platform = make_platform()
    client.force_login(alice)
    response = client.post(
        f"/staff/takedowns/from-case/{case.reference}/",
        {
            "platform": platform.pk,
            "urls": "javascript:alert(1)",
            "legal_basis": "authority_request",
            "urgency": "normal",
        },
        follow=True,
    )
    assert vi("This is not a web address that can be removed: %(url)s").split(":")[0] in (
        response.content.decode()
    )
    assert RemovalRequest.objects.count() == 0


@pytest.mark.django_db
def test_a_closed_case_gets_no_new_request(alice, evidence_dir):
    from copnet.cases.services import do_transition

    case = make_case(lead=alice.organisation)
    do_transition(case=case, target="rejected", actor=alice, outcome="not_harmful", reason="x")
    case.refresh_from_db()
    with pytest.raises(TakedownError):
        make_request(case=case, platform=make_platform(), actor=alice)
    assert RemovalRequest.objects.count() == 0


@pytest.mark.django_db
def test_the_starter_platform_list_is_loaded_without_contacts():
    from copnet.takedowns.models import Platform

    assert Platform.objects.filter(code__in=["facebook", "tiktok", "zalo", "youtube"]).count() == 4
    assert not Platform.objects.exclude(email="").exists()
    assert services.load_platforms() == 0  # idempotent
