"""Vendors register themselves: a vendor organisation outside the Network and a vendor account."""

from __future__ import annotations

import re
import time

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


def sign_up_link(mailbox) -> str:
    match = re.search(r"http://\S+/ecosystem/vendors/register/confirm/(\S+)/", mailbox[-1].body)
    assert match, mailbox[-1].body
    return f"/ecosystem/vendors/register/confirm/{match.group(1)}/"


def test_a_vendor_registers_through_the_e_mailed_link(
    client, reference_data, mailoutbox, immediate_tasks, django_capture_on_commit_callbacks
):
    members_before = Membership.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/ecosystem/vendors/register/", FORM)
    assert response.status_code == 302
    assert response["Location"] == "/ecosystem/vendors/register/sent/"
    assert not User.objects.filter(role=Role.VENDOR).exists()  # nothing before the link
    assert [m.to for m in mailoutbox] == [["lan@bekhoe.example"]]
    link = sign_up_link(mailoutbox)
    assert PASSWORD not in link
    page = client.get(link)  # a mail scanner opening the link creates nothing
    assert "Công ty Cổ phần Bé Khỏe" in page.content.decode()
    assert not User.objects.filter(role=Role.VENDOR).exists()

    done = client.post(link)
    assert done["Location"] == "/ecosystem/vendor/"
    user = User.objects.get(email="lan@bekhoe.example")
    assert user.role == Role.VENDOR
    assert user.check_password(PASSWORD)
    assert user.organisation.name_vi == "Công ty Cổ phần Bé Khỏe"
    assert user.organisation.code.startswith("V-")
    assert Vendor.objects.get(organisation=user.organisation).registered_by == user
    # Not a Network member.
    assert Membership.objects.count() == members_before
    assert not any(
        m.organisation_id == user.organisation_id for g in members_on() for m in g.memberships
    )
    assert client.get("/ecosystem/vendor/").status_code == 200
    # The link works once.
    client.post("/accounts/logout/")
    again = client.post(link)
    assert again.status_code == 409
    assert Vendor.objects.count() == 1


def test_a_registered_e_mail_gets_the_same_answer_and_nothing_happens(
    client, reference_data, alice, mailoutbox, immediate_tasks, django_capture_on_commit_callbacks
):
    """Sign-up must not tell a stranger whether an address has an account."""
    with django_capture_on_commit_callbacks(execute=True):
        new = client.post("/ecosystem/vendors/register/", FORM)
        taken = client.post("/ecosystem/vendors/register/", {**FORM, "email": "ALICE@a.example"})
    assert (taken.status_code, taken["Location"]) == (new.status_code, new["Location"])
    assert not Vendor.objects.exists()
    assert not User.objects.filter(role=Role.VENDOR).exists()
    assert mailoutbox[-1].to == ["alice@a.example"]
    assert "/confirm/" not in mailoutbox[-1].body
    assert "/accounts/login/" in mailoutbox[-1].body
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


@pytest.mark.parametrize(
    "token",
    ["x", "gAAAAA" + "A" * 200, "ả" * 20, "A" * 5000],
)
def test_a_forged_or_broken_link_creates_nothing(client, reference_data, token):
    response = client.post(f"/ecosystem/vendors/register/confirm/{token}/")
    assert response.status_code == 404
    assert not User.objects.filter(role=Role.VENDOR).exists()


def test_an_expired_link_creates_nothing(
    client, reference_data, mailoutbox, immediate_tasks, django_capture_on_commit_callbacks
):
    from copnet.core.crypto import fernet
    from copnet.evaluations.services import signup

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/ecosystem/vendors/register/", FORM)
    token = sign_up_link(mailoutbox).split("/")[-2]
    data = fernet().decrypt(token.encode())
    old = fernet().encrypt_at_time(data, int(time.time()) - signup.SIGNUP_LINK_SECONDS - 60)
    response = client.post(f"/ecosystem/vendors/register/confirm/{old.decode()}/")
    assert response.status_code == 404
    assert not User.objects.filter(role=Role.VENDOR).exists()


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
