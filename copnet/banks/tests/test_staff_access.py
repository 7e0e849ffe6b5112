"""Only coordinators and analysts reach the detection pages; everyone else gets 403."""

from __future__ import annotations

import pytest

from copnet.accounts.choices import Role
from copnet.accounts.tests.factories import make_user
from copnet.banks.models import BankEntry, HashBank, UrlList, UrlListEntry

from .factories import PDQ_A, add_hash, add_url, make_bank, make_url_list

PAGES = [
    "/staff/detection/",
    "/staff/detection/check/",
    "/staff/detection/hits/",
    "/staff/detection/banks/new/",
    "/staff/detection/banks/partner/",
    "/staff/detection/banks/partner/import/",
    "/staff/detection/banks/partner/export/",
    "/staff/detection/lists/new/",
    "/staff/detection/lists/bad-sites/",
    "/staff/detection/lists/bad-sites/import/",
    "/staff/detection/lists/bad-sites/export/",
]


@pytest.fixture
def setup(reference_data, org_a):
    bank = make_bank()
    entry = add_hash(bank)
    url_list = make_url_list()
    url_entry = add_url(url_list)
    return bank, entry, url_list, url_entry


def posts(entry, url_entry):
    return [
        ("/staff/detection/banks/new/", {"name": "x", "kind": "known_abuse"}),
        ("/staff/detection/banks/partner/", {"signal_type": "md5", "value": "b" * 32}),
        ("/staff/detection/banks/partner/active/", {"active": "0"}),
        (f"/staff/detection/banks/partner/entries/{entry.pk}/active/", {"active": "0"}),
        ("/staff/detection/lists/new/", {"name": "y", "category": "drugs"}),
        ("/staff/detection/lists/bad-sites/", {"pattern": "x.example", "kind": "host"}),
        ("/staff/detection/lists/bad-sites/active/", {"active": "0"}),
        (f"/staff/detection/lists/bad-sites/entries/{url_entry.pk}/active/", {"active": "0"}),
    ]


def snapshot():
    return (
        list(HashBank.objects.values_list("name", "is_active")),
        list(BankEntry.objects.values_list("value", "expires_at")),
        list(UrlList.objects.values_list("name", "is_active")),
        list(UrlListEntry.objects.values_list("pattern", "expires_at")),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [Role.OFFICER, Role.VOLUNTEER, Role.OBSERVER, Role.EVALUATOR, Role.EDITOR]
)
def test_other_roles_get_403_on_every_page_and_change_nothing(client, setup, org_b, role):
    _bank, entry, _url_list, url_entry = setup
    client.force_login(make_user(email=f"{role}@b.example", organisation=org_b, role=role))
    before = snapshot()
    for path in PAGES:
        assert client.get(path).status_code == 403, path
    for path, data in posts(entry, url_entry):
        assert client.post(path, data).status_code == 403, path
    assert snapshot() == before


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client, setup):
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_analysts_and_coordinators_see_every_page(client, setup, bob, coordinator):
    for user in (bob, coordinator):
        client.force_login(user)
        for path in PAGES:
            assert client.get(path).status_code == 200, (user.role, path)


@pytest.mark.django_db
def test_analysts_can_change_banks_and_lists(client, setup, bob):
    _bank, entry, _url_list, url_entry = setup
    client.force_login(bob)
    for path, data in posts(entry, url_entry):
        assert client.post(path, data).status_code == 302, path
    assert HashBank.objects.filter(name="x").exists()
    assert not HashBank.objects.get(name="partner").is_active
    assert BankEntry.objects.filter(value="b" * 32).exists()
    assert UrlListEntry.objects.filter(pattern="x.example").exists()


@pytest.mark.django_db
def test_a_missing_bank_list_or_entry_is_404(client, setup, bob):
    client.force_login(bob)
    _bank, entry, _url_list, url_entry = setup
    other = make_bank("other")
    assert client.get("/staff/detection/banks/nope/").status_code == 404
    assert client.get("/staff/detection/lists/nope/export/").status_code == 404
    # an entry of another bank is not reachable through this bank's address
    response = client.post(f"/staff/detection/banks/other/entries/{entry.pk}/active/", {})
    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.expires_at is None
    assert other.entries.count() == 0
    assert BankEntry.objects.get(value=PDQ_A).expires_at is None
