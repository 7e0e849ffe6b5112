"""Someone whose role needs a second factor sets up an authenticator app at their first sign-in
(the QR page), gets recovery codes once, and only then reaches the staff pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from copnet.accounts.tests.factories import PASSWORD, make_authenticator
from copnet.audit.models import AuditEvent
from copnet.core.testing import fresh_totp, totp_now, vi

pytestmark = [pytest.mark.django_db, pytest.mark.raw_second_factor]

SETUP = "/accounts/security/authenticator/"


def sign_in_with_password(client, user):
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def shown_secret(response) -> str:
    match = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', response.content.decode())
    assert match, "the setup page shows the key beside the QR code"
    return match.group(1)


def test_first_sign_in_of_an_officer_sets_up_the_app_and_shows_recovery_codes_once(client, alice):
    response = sign_in_with_password(client, alice)
    assert response["Location"] == f"{SETUP}?next=%2Fstaff%2F"
    assert client.get("/staff/").status_code == 302  # nothing opens before the second step

    page = client.get(response["Location"])
    html = page.content.decode()
    assert "<svg" in html  # the QR code, drawn inline
    secret = shown_secret(page)
    device = TOTPDevice.objects.get(user=alice)
    assert device.confirmed is False
    # Reloading keeps the same key, so the phone that scanned it still matches.
    assert shown_secret(client.get(SETUP)) == secret

    done = client.post(SETUP, {"code": totp_now(secret), "next": "/staff/"})
    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]  # the codes (and the key) stay out of caches
    assert "no-store" in page["Cache-Control"]
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", done.content.decode())
    assert len(set(codes)) == 10
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get("/staff/").status_code == 200
    # Only keyed hashes are stored, never the codes themselves.
    stored = set(StaticToken.objects.filter(device__user=alice).values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & {c.replace("-", "") for c in codes}
    event = AuditEvent.objects.get(action="second_factor_added")
    assert (event.actor, event.target_id) == (alice, str(alice.pk))
    assert event.changes == {"kind": "totp", "replaced": 0, "recovery_codes": 10}
    # The codes are not shown again.
    assert not any(
        c in client.get("/accounts/security/recovery-codes/").content.decode() for c in codes
    )


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            "000000",
            "This code is wrong. Type the code your app shows now; if it keeps failing, "
            "check that the phone's clock is set automatically.",
        ),
        ("12345", "Type the 6 digits your authenticator app shows."),
        ("abcdef", "Type the 6 digits your authenticator app shows."),
        ("١٢٣٤٥٦", "Type the 6 digits your authenticator app shows."),
        ("9" * 16, "Type the 6 digits your authenticator app shows."),
    ],
)
def test_a_wrong_or_malformed_code_at_setup_confirms_nothing(client, alice, code, message):
    sign_in_with_password(client, alice)
    client.get(SETUP)
    response = client.post(SETUP, {"code": code}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    assert vi(message) in response.content.decode()
    assert not TOTPDevice.objects.filter(user=alice, confirmed=True).exists()
    assert not StaticToken.objects.exists()
    assert client.get("/staff/").status_code == 302


def test_a_huge_code_is_refused_by_the_form(client, alice):
    sign_in_with_password(client, alice)
    response = client.post(SETUP, {"code": "1" * 100_000})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert not TOTPDevice.objects.filter(user=alice, confirmed=True).exists()


def test_someone_with_a_factor_cannot_set_up_another_before_the_second_step(client, alice):
    """Otherwise a stolen password would be enough to add the thief's own phone."""
    make_authenticator(alice)
    response = sign_in_with_password(client, alice)
    assert response["Location"] == "/accounts/second-step/?next=%2Fstaff%2F"
    page = client.get(SETUP)
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/second-step/")
    assert TOTPDevice.objects.filter(user=alice).count() == 1


def test_a_new_app_replaces_the_old_one_and_ends_the_other_sessions(client, alice):
    old = make_authenticator(alice)
    other = Client()
    for browser in (client, other):
        sign_in_with_password(browser, alice)
        browser.post("/accounts/second-step/", {"code": fresh_totp(old)})
        assert browser.get("/staff/").status_code == 200

    secret = shown_secret(client.get(SETUP))
    response = client.post(SETUP, {"code": totp_now(secret)})
    assert response.status_code == 200
    assert "recovery-codes" in response.content.decode()  # she had none: made now, shown once
    assert list(TOTPDevice.objects.filter(user=alice).values_list("confirmed", flat=True)) == [True]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert client.get("/staff/").status_code == 200  # this session stays
    assert other.get("/staff/")["Location"].startswith("/accounts/login/")  # that one ended


def test_someone_whose_role_does_not_need_it_is_not_asked(client, org_a):
    from copnet.accounts.choices import Role
    from copnet.accounts.tests.factories import make_user

    editor = make_user(email="editor@a.example", organisation=org_a, role=Role.EDITOR)
    response = sign_in_with_password(client, editor)
    assert response["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    assert not TOTPDevice.objects.exists()
