"""A coordinator resets the second factor of someone who lost their phone: every factor goes,
every session of that person ends, the reset is audited, and they enrol again at sign-in."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from copnet.accounts import second_factor
from copnet.accounts.tests.factories import PASSWORD, make_authenticator
from copnet.audit.models import AuditEvent
from copnet.core.testing import fresh_totp, pass_second_factor, vi

pytestmark = [pytest.mark.django_db, pytest.mark.raw_second_factor]


@pytest.fixture
def lost(alice):
    """Alice has an app and recovery codes, and is signed in (both steps) in her browser."""
    device = make_authenticator(alice)
    second_factor.do_create_recovery_codes(user=alice, actor=alice)
    browser = Client()
    browser.post("/accounts/login/", {"username": alice.email, "password": PASSWORD})
    browser.post("/accounts/second-step/", {"code": fresh_totp(device)})
    assert browser.get("/staff/").status_code == 200
    return browser


def signed_in(client, user):
    client.force_login(user)
    pass_second_factor(client, user)
    return client


def test_a_coordinator_resets_it_and_the_person_enrols_again(client, coordinator, alice, lost):
    signed_in(client, coordinator)
    url = f"/accounts/people/{alice.pk}/reset-second-factor/"
    person_page = client.get(f"/accounts/people/{alice.pk}/").content.decode()
    assert url in person_page
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "lost phone, identity checked by telephone"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert not StaticDevice.objects.filter(user=alice).exists()
    event = AuditEvent.objects.get(action="second_factor_reset")
    assert (event.actor, event.target_id) == (coordinator, str(alice.pk))
    assert event.reason == "lost phone, identity checked by telephone"
    assert event.changes == {"devices": 2}
    # Alice's open session ended; at her next sign-in she sets up a new factor.
    assert lost.get("/staff/")["Location"].startswith("/accounts/login/")
    again = lost.post("/accounts/login/", {"username": alice.email, "password": PASSWORD})
    assert again["Location"].startswith("/accounts/security/authenticator/")


def test_people_who_are_not_coordinators_cannot_reset(client, bob, alice, lost):
    signed_in(client, bob)  # an analyst of Alice's organisation
    url = f"/accounts/people/{alice.pk}/reset-second-factor/"
    assert url not in client.get(f"/accounts/people/{alice.pk}/").content.decode()
    assert client.post(url, {"reason": "x"}).status_code == 403
    assert TOTPDevice.objects.filter(user=alice).exists()
    assert not AuditEvent.objects.filter(action="second_factor_reset").exists()


def test_a_reset_needs_a_reason_and_an_existing_person(client, coordinator, alice, lost):
    signed_in(client, coordinator)
    url = f"/accounts/people/{alice.pk}/reset-second-factor/"
    response = client.post(url, {"reason": "   "}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert client.post(url, {"reason": "x" * 501}).status_code == 200
    assert (
        client.post("/accounts/people/999999/reset-second-factor/", {"reason": "x"}).status_code
        == 404
    )
    assert TOTPDevice.objects.filter(user=alice).exists()
    assert lost.get("/staff/").status_code == 200


def test_a_coordinator_cannot_reset_their_own(client, coordinator):
    make_authenticator(coordinator)
    signed_in(client, coordinator)
    url = f"/accounts/people/{coordinator.pk}/reset-second-factor/"
    response = client.post(url, {"reason": "me"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    assert (
        vi("You cannot reset your own second factor. Change it on your security page.")
        in response.content.decode()
    )
    assert TOTPDevice.objects.filter(user=coordinator).exists()


def test_the_command_line_resets_the_administrator(alice, lost, capsys):
    call_command("reset_second_factor", "ALICE@a.example", "--reason", "admin lost phone")
    assert "Removed 2 second-factor device(s) of alice@a.example" in capsys.readouterr().out
    assert not TOTPDevice.objects.filter(user=alice).exists()
    event = AuditEvent.objects.get(action="second_factor_reset")
    assert (event.actor, event.actor_label, event.reason) == (None, "system", "admin lost phone")
    assert lost.get("/staff/")["Location"].startswith("/accounts/login/")
    with pytest.raises(CommandError):
        call_command("reset_second_factor", "nobody@example.org")


def test_the_admin_site_does_not_show_devices_or_their_secrets():
    from django.contrib import admin

    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)
