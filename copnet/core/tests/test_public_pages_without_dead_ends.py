"""Public pages a child or a volunteer reaches have no dead ends: a campaigns index, the privacy
notice and the volunteer code of conduct (linked from the application), a members page
without staff notes, and a quick exit on every public page."""

from __future__ import annotations

import pytest

from copnet.campaigns.tests.factories import make_campaign
from copnet.core.testing import vi
from copnet.network.models import Membership

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.mark.django_db
def test_the_campaigns_index_lists_public_campaigns_only(client, org_a):
    make_campaign(organisation=org_a, code="he-an-toan")
    make_campaign(organisation=org_a, code="nhap", public=False, title_vi="Bản nháp nội bộ")
    response = client.get("/campaigns/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/campaigns/he-an-toan/" in html
    assert "/campaigns/nhap/" not in html
    assert "Bản nháp nội bộ" not in html
    assert vi("Campaigns") in html


@pytest.mark.django_db
def test_an_empty_campaigns_index_points_somewhere_useful(client):
    html = client.get("/campaigns/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert vi("There is no campaign running just now.") in html
    assert 'href="/learn/"' in html


@pytest.mark.django_db
def test_the_volunteer_form_links_the_code_and_the_privacy_notice(client):
    html = client.get("/volunteers/apply/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert 'href="/volunteers/conduct/"' in html
    assert 'href="/privacy/"' in html
    conduct = client.get("/volunteers/conduct/", HTTP_ACCEPT_LANGUAGE="vi")
    assert conduct.status_code == 200
    assert (
        vi("Put the child's safety and best interests first, always.") in conduct.content.decode()
    )
    privacy = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="vi")
    assert privacy.status_code == 200
    text = privacy.content.decode()
    assert vi("Children's rights") in text
    assert vi("When you apply to be a volunteer") in text


@pytest.mark.django_db
def test_the_public_members_page_shows_no_staff_notes(client):
    notes = [m.verify_note for m in Membership.objects.exclude(verify_note="")]
    assert notes
    html = client.get("/network/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    for note in notes:
        assert note[:40] not in html
    assert "data-verify-note" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/report/", "/report/status/", "/learn/", "/campaigns/", "/privacy/"]
)
def test_every_public_page_has_a_quick_exit(client, path):
    html = client.get(path, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert 'id="quick-exit"' in html
    assert "core/quick-exit.js" in html
    assert vi("Quick exit") in html


@pytest.mark.django_db
def test_staff_pages_have_no_quick_exit(client, alice):
    client.force_login(alice)
    assert 'id="quick-exit"' not in client.get("/staff/").content.decode()
