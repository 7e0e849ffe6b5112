"""Vendors register themselves: a vendor organisation outside the Network and a vendor account."""

from __future__ import annotations

import pytest

from copnet.accounts.choices import Role
from copnet.accounts.models import User
from copnet.accounts.tests.factories import PASSWORD
from copnet.evaluations.models import Vendor
from copnet.network.models import Membership, Organisation
from copnet.network.selectors import members_on

pytestmark = pytest.mark.django_db

FORM = {
    "organisation_name": "Công ty Cổ phần Bé Khỏe",
    "website": "https://bekhoe.example",
    "full_name": "Trần Thị Lan",
    "email": "Lan@BeKhoe.example",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def test_a_vendor_registers_and_lands_in_the_vendor_area(client, reference_data):
    members_before = Membership.objects.count()
    response = client.post("/ecosystem/vendors/register/", FORM)
    assert response.status_code == 302
    assert response["Location"] == "/ecosystem/vendor/"
    user = User.objects.get(email="lan@bekhoe.example")
    assert user.role == Role.VENDOR
    assert user.organisation.name_vi == "Công ty Cổ phần Bé Khỏe"
    assert user.organisation.code.startswith("V-")
    assert Vendor.objects.get(organisation=user.organisation).registered_by == user
    # Not a Network member.
    assert Membership.objects.count() == members_before
    assert not any(
        m.organisation_id == user.organisation_id for g in members_on() for m in g.memberships
    )
    assert client.get("/ecosystem/vendor/").status_code == 200


def test_an_e_mail_already_in_use_is_refused(client, reference_data, alice):
    response = client.post("/ecosystem/vendors/register/", {**FORM, "email": "ALICE@a.example"})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert not Vendor.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"password1": "short", "password2": "short"}, "password1"),
        ({"password2": "something else entirely 99"}, "password2"),
        ({"email": "not-an-email"}, "email"),
        ({"organisation_name": ""}, "organisation_name"),
        ({"website": "javascript:alert(1)"}, "website"),
    ],
)
def test_bad_sign_up_input_creates_nothing(client, reference_data, changes, field):
    organisations = Organisation.objects.count()
    response = client.post("/ecosystem/vendors/register/", {**FORM, **changes})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Organisation.objects.count() == organisations
    assert not User.objects.filter(role=Role.VENDOR).exists()


def test_sign_ups_are_rate_limited(client, reference_data):
    for _ in range(5):
        client.post("/ecosystem/vendors/register/", {**FORM, "password2": "x"})
    response = client.post("/ecosystem/vendors/register/", FORM)
    assert response.status_code == 429
    assert not User.objects.filter(role=Role.VENDOR).exists()


def test_a_vendor_is_left_out_of_the_networks_organisation_lists(client, coordinator):
    from copnet.cases.forms import ReassignForm
    from copnet.network.selectors import active_organisations, organisations_for_choice

    from .factories import make_vendor_user

    vendor_org = make_vendor_user(name="Công ty Đồ Chơi Số").organisation
    assert not active_organisations().filter(pk=vendor_org.pk).exists()
    assert not organisations_for_choice().filter(pk=vendor_org.pk).exists()
    assert active_organisations().filter(pk=coordinator.organisation_id).exists()
    reassign_to = ReassignForm().fields["lead"].queryset
    assert not reassign_to.filter(pk=vendor_org.pk).exists()
    directory = client.get("/api/v1/network/organisations").json()
    codes = {org["code"] for org in directory}
    assert vendor_org.code not in codes
    assert coordinator.organisation.code in codes
    client.force_login(coordinator)
    stats_page = client.get("/staff/stats/").content.decode()
    assert "Công ty Đồ Chơi Số" not in stats_page
