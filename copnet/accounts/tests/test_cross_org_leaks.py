"""Leak tests of lists and of the partner API (every route: test_cross_org_every_route.py)."""

from __future__ import annotations

import pytest

from copnet.accounts.services import do_create_api_key
from copnet.network.tests.factories import make_contact


@pytest.fixture
def b_records(charlie, org_b, coordinator):
    key, _ = do_create_api_key(organisation=org_b, name="B partner", actor=coordinator)
    return {"person": charlie.pk, "api_key": key.pk}


@pytest.mark.django_db
def test_colleagues_of_the_same_organisation_see_each_other(client, alice, bob):
    client.force_login(alice)
    assert client.get(f"/accounts/people/{bob.pk}/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("route", ["/accounts/people/", "/accounts/api-keys/"])
def test_lists_never_show_other_organisations_rows(client, alice, b_records, route):
    client.force_login(alice)
    html = client.get(route).content.decode()
    assert "charlie@b.example" not in html
    assert "B partner" not in html


@pytest.mark.django_db
def test_coordinator_sees_other_organisations_records(client, coordinator, b_records):
    client.force_login(coordinator)
    assert client.get(f"/accounts/people/{b_records['person']}/").status_code == 200
    assert "B partner" in client.get("/accounts/api-keys/").content.decode()


@pytest.mark.django_db
def test_api_key_of_organisation_b_gets_404_for_as_contacts(client, org_a, org_b):
    make_contact(organisation=org_a, label="A desk", email="desk@a.example")
    make_contact(organisation=org_b, label="B desk", email="desk@b.example")
    _, raw_b = do_create_api_key(organisation=org_b, name="B", actor=None)

    own = client.get(
        "/api/v1/network/organisations/ORGB/contacts", HTTP_AUTHORIZATION=f"Bearer {raw_b}"
    )
    other = client.get(
        "/api/v1/network/organisations/ORGA/contacts", HTTP_AUTHORIZATION=f"Bearer {raw_b}"
    )
    missing = client.get(
        "/api/v1/network/organisations/NOPE/contacts", HTTP_AUTHORIZATION=f"Bearer {raw_b}"
    )
    assert own.status_code == 200
    assert [c["email"] for c in own.json()] == ["desk@b.example"]
    assert other.status_code == 404
    assert other.json() == missing.json()
    assert "desk@a.example" not in other.content.decode()
