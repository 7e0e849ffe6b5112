"""A person's own security page: what they have set up, new recovery codes (which end their
other sessions), turning an optional second factor off, removing passkeys."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from copnet.accounts import second_factor
from copnet.accounts.choices import Role
from copnet.accounts.tests.factories import make_authenticator, make_user
from copnet.audit.models import AuditEvent
from copnet.core.testing import vi

pytestmark = pytest.mark.django_db


def make_passkey(user, name="Laptop"):
    return WebAuthnCredential.objects.create(
        user=user,
        name=name,
        confirmed=True,
        credential_id=name.encode() * 4,
        public_key=b"\x01" * 32,
        sign_count=0,
    )


def test_the_page_shows_what_is_set_up(client, alice):
    make_authenticator(alice)
    second_factor.do_create_recovery_codes(user=alice, actor=alice)
    client.force_login(alice)
    html = client.get("/accounts/security/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "every sign-in takes a second step" in html
    assert "10 unused recovery codes" in html
    assert "/accounts/security/password/" in html
    assert "Turn the second factor off" not in html  # required for an officer


def test_new_recovery_codes_end_the_other_sessions(client, alice):
    make_authenticator(alice)
    other = Client()
    client.force_login(alice)
    other.force_login(alice)
    response = client.post("/accounts/security/recovery-codes/", {"next": "/staff/"})
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", response.content.decode())
    assert len(codes) == 10
    assert client.get("/staff/").status_code == 200
    assert other.get("/staff/")["Location"].startswith("/accounts/login/")
    assert AuditEvent.objects.filter(action="recovery_codes_created", actor=alice).count() == 1


def test_recovery_codes_need_an_app_or_a_passkey_first(client, org_a):
    teacher = make_user(email="t@a.example", organisation=org_a, role=Role.TEACHER)
    client.force_login(teacher)
    TOTPDevice.objects.filter(user=teacher).delete()  # force_login's test device
    response = client.post("/accounts/security/recovery-codes/")
    assert response.status_code == 302
    assert not StaticDevice.objects.exists()


def test_an_optional_second_factor_can_be_turned_off(client, org_a):
    teacher = make_user(email="t@a.example", organisation=org_a, role=Role.TEACHER)
    make_authenticator(teacher)
    second_factor.do_create_recovery_codes(user=teacher, actor=teacher)
    client.force_login(teacher)
    assert (
        "Turn the second factor off"
        in client.get("/accounts/security/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    assert client.post("/accounts/security/turn-off/").status_code == 302
    assert not second_factor.has_any_device(teacher)
    assert client.get("/staff/").status_code == 200
    event = AuditEvent.objects.get(action="second_factor_removed")
    assert event.changes == {"kind": "all", "devices": 2}


def test_a_required_second_factor_cannot_be_turned_off(client, alice):
    client.force_login(alice)
    response = client.post("/accounts/security/turn-off/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=alice).exists()
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert vi("Your role needs a second factor: it cannot be turned off.") in page


def test_the_last_factor_of_an_officer_cannot_be_removed(client, alice):
    passkey = make_passkey(alice)
    client.force_login(alice)  # passes with the passkey, her only device
    TOTPDevice.objects.filter(user=alice).delete()
    response = client.post(f"/accounts/security/passkeys/{passkey.pk}/remove/")
    assert response.status_code == 302
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()


def test_a_passkey_is_removed_and_other_sessions_end(client, alice):
    make_authenticator(alice)
    passkey = make_passkey(alice)
    other = Client()
    client.force_login(alice)
    other.force_login(alice)
    assert client.post(f"/accounts/security/passkeys/{passkey.pk}/remove/").status_code == 302
    assert not WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    assert client.get("/staff/").status_code == 200
    assert other.get("/staff/")["Location"].startswith("/accounts/login/")
    assert AuditEvent.objects.get(action="second_factor_removed").changes == {
        "kind": "passkey",
        "passkey": passkey.pk,
    }


def test_someone_elses_passkey_cannot_be_removed(client, alice, bob):
    passkey = make_passkey(bob)
    client.force_login(alice)
    client.post(f"/accounts/security/passkeys/{passkey.pk}/remove/")
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    assert client.get(f"/accounts/security/passkeys/{passkey.pk}/remove/").status_code == 405
