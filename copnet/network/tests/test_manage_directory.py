from __future__ import annotations

import pytest

from copnet.audit.models import AuditEvent
from copnet.core.testing import vi
from copnet.network.models import Duty, Membership, Organisation

VALID = {
    "code": "TIKTOK-VN",
    "abbreviation": "TikTok",
    "name_vi": "TikTok Việt Nam",
    "name_en": "TikTok Vietnam",
    "kind": "enterprise",
    "website": "https://tiktok.com",
}


@pytest.fixture
def coordinator_client(client, coordinator):
    coordinator.language = "vi"
    coordinator.save()
    client.force_login(coordinator)
    return client


@pytest.mark.django_db
def test_coordinator_adds_an_organisation_and_the_change_is_audited(coordinator_client):
    response = coordinator_client.post("/network/manage/organisations/new/", VALID)
    assert response.status_code == 302
    org = Organisation.objects.get(code="TIKTOK-VN")
    event = AuditEvent.objects.get(
        action="create", target_type="network.organisation", target_id=str(org.pk)
    )
    assert event.actor_label == "coord@vncert.example"
    assert event.changes["name_en"] == [None, "TikTok Vietnam"]


@pytest.mark.django_db
def test_an_update_records_what_changed(coordinator_client):
    coordinator_client.post("/network/manage/organisations/new/", VALID)
    coordinator_client.post(
        "/network/manage/organisations/TIKTOK-VN/", {**VALID, "name_en": "TikTok VN"}
    )
    event = AuditEvent.objects.get(action="update", target_type="network.organisation")
    assert event.changes == {"name_en": ["TikTok Vietnam", "TikTok VN"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"code": ""}, "This field is required."),
        ({"code": "VNCERT"}, "Another organisation already uses this code."),
        (
            {"kind": "spaceship"},
            "Select a valid choice. %(value)s is not one of the available choices.",
        ),
        ({"website": "javascript:alert(1)"}, "Enter a valid URL."),
        (
            {"active_from": "2025-01-02", "active_to": "2024-01-01"},
            "The end of the active period is before its start.",
        ),
        ({"active_from": "not a date"}, "Enter a valid date."),
    ],
)
def test_bad_organisation_input_gets_a_translated_error_and_saves_nothing(
    coordinator_client, change, message
):
    before = Organisation.objects.count()
    response = coordinator_client.post("/network/manage/organisations/new/", {**VALID, **change})
    assert response.status_code == 200
    assert vi(message).split("%(")[0] in response.content.decode()
    assert Organisation.objects.count() == before
    assert not AuditEvent.objects.filter(
        target_type="network.organisation", action="create", actor__isnull=False
    ).exists()


@pytest.mark.django_db
def test_html_in_a_name_is_rendered_inert(coordinator_client, client):
    coordinator_client.post(
        "/network/manage/organisations/new/", {**VALID, "name_vi": "<img src=x onerror=alert(1)>"}
    )
    org = Organisation.objects.get(code="TIKTOK-VN")
    Membership.objects.create(organisation=org, role="member")
    html = client.get("/network/").content.decode()
    assert "<img src=x onerror=alert(1)>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


@pytest.mark.django_db
def test_an_organisation_cannot_succeed_itself(coordinator_client):
    vnisa = Organisation.objects.get(code="VNISA")
    response = coordinator_client.post(
        "/network/manage/organisations/VNISA/",
        {
            "code": "VNISA",
            "abbreviation": "VNISA",
            "name_vi": vnisa.name_vi,
            "kind": "association",
            "successor": vnisa.pk,
        },
    )
    assert vi("An organisation cannot point to itself.") in response.content.decode()
    vnisa.refresh_from_db()
    assert vnisa.successor_id is None


@pytest.mark.django_db
def test_coordinator_ends_a_membership_and_adds_a_duty(coordinator_client):
    membership = Membership.objects.get(organisation__code="VNISA")
    response = coordinator_client.post(
        f"/network/manage/memberships/{membership.pk}/",
        {
            "organisation": membership.organisation_id,
            "role": "member",
            "valid_from": "2021-06-01",
            "valid_to": "2026-12-31",
            "basis": "QĐ 716",
        },
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert str(membership.valid_to) == "2026-12-31"
    response = coordinator_client.post(
        f"/network/manage/memberships/{membership.pk}/duties/new/",
        {"key": "standards", "text_vi": "Xây dựng tiêu chuẩn", "order": 5},
    )
    assert response.status_code == 302
    assert Duty.objects.filter(membership=membership, key="standards").exists()
    assert AuditEvent.objects.filter(target_type="network.duty", action="create").exists()


@pytest.mark.django_db
def test_a_membership_that_ends_before_it_starts_is_refused(coordinator_client):
    membership = Membership.objects.get(organisation__code="VNISA")
    response = coordinator_client.post(
        f"/network/manage/memberships/{membership.pk}/",
        {
            "organisation": membership.organisation_id,
            "role": "member",
            "valid_from": "2021-06-01",
            "valid_to": "2020-01-01",
        },
    )
    assert vi("The end of the period is before its start.") in response.content.decode()
    membership.refresh_from_db()
    assert membership.valid_to is None


@pytest.mark.django_db
def test_a_duplicate_duty_key_is_refused(coordinator_client):
    membership = Membership.objects.get(organisation__code="VNISA")
    response = coordinator_client.post(
        f"/network/manage/memberships/{membership.pk}/duties/new/",
        {"key": "industry", "text_vi": "Trùng", "order": 1},
    )
    assert vi("This key is already used for another duty here.") in response.content.decode()
    assert membership.duties.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("route", ["/network/manage/", "/network/manage/organisations/new/"])
def test_only_coordinators_manage_the_directory(client, alice, route):
    assert client.get(route).status_code == 302  # anonymous: to the login page
    client.force_login(alice)
    response = client.get(route)
    assert response.status_code == 403
    assert client.post("/network/manage/organisations/new/", VALID).status_code == 403
    assert not Organisation.objects.filter(code="TIKTOK-VN").exists()
