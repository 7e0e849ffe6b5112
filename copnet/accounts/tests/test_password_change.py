"""Every signed-in person can change their password: the old one first, the new one checked by
the password rules. Their other sessions end; this one stays (second step included)."""

from __future__ import annotations

import pytest
from django.test import Client

from copnet.accounts.tests.factories import PASSWORD
from copnet.audit.models import AuditEvent
from copnet.evaluations.tests.factories import make_vendor_user

pytestmark = pytest.mark.django_db

URL = "/accounts/security/password/"
NEW = "một mật khẩu mới rất dài 2026"


def change(client, old=PASSWORD, new=NEW, again=None, **extra):
    return client.post(
        URL,
        {"old_password": old, "new_password1": new, "new_password2": again or new},
        **extra,
    )


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(client, alice):
    other = Client()
    client.force_login(alice)
    other.force_login(alice)
    assert client.get(URL).status_code == 200
    response = change(client)
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW)
    assert client.get("/staff/cases/").status_code == 200  # still past the second step
    assert other.get("/staff/")["Location"].startswith("/accounts/login/")
    event = AuditEvent.objects.get(action="password_changed")
    assert (event.actor, event.target_id, event.changes) == (alice, str(alice.pk), {})
    assert NEW not in str(event.changes) + event.reason


@pytest.mark.parametrize(
    ("old", "new", "again", "field"),
    [
        ("wrong old password", NEW, None, "old_password"),
        (PASSWORD, "aaaaaaaaaaaa", None, "new_password2"),
        (PASSWORD, "short", None, "new_password2"),
        (PASSWORD, "password1234", None, "new_password2"),
        (PASSWORD, "alice@a.example.x", None, "new_password2"),
        (PASSWORD, NEW, "something else entirely 9", "new_password2"),
        (PASSWORD, "x" * 5000, None, "new_password2"),
    ],
)
def test_a_refused_change_changes_nothing(client, alice, old, new, again, field):
    other = Client()
    client.force_login(alice)
    other.force_login(alice)
    response = change(client, old=old, new=new, again=again, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    assert field in response.context["form"].errors
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
    assert other.get("/staff/").status_code == 200
    assert not AuditEvent.objects.filter(action="password_changed").exists()


def test_a_vendor_changes_their_password_too(client, reference_data):
    vendor = make_vendor_user(name="Công ty Bé An")
    client.force_login(vendor)
    assert change(client).status_code == 302
    vendor.refresh_from_db()
    assert vendor.check_password(NEW)


def test_someone_not_signed_in_is_sent_to_sign_in(client):
    assert client.get(URL)["Location"].startswith("/accounts/login/")
