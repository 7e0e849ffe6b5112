"""The test harness: `client.force_login(user)` signs in with both steps (root conftest), so the
hundreds of tests of staff pages need no second-factor code; `raw_second_factor` turns it off."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from copnet.accounts.tests.factories import make_authenticator

pytestmark = pytest.mark.django_db


def test_force_login_gives_a_session_past_the_second_step(client, alice):
    client.force_login(alice)
    assert client.get("/staff/cases/").status_code == 200
    assert TOTPDevice.objects.get(user=alice).name == "test"


def test_force_login_uses_the_persons_own_device_if_they_have_one(client, alice):
    device = make_authenticator(alice)
    client.force_login(alice)
    assert client.get("/staff/cases/").status_code == 200
    assert list(TOTPDevice.objects.filter(user=alice)) == [device]


@pytest.mark.raw_second_factor
def test_with_the_mark_force_login_stops_after_the_password(client, alice):
    client.force_login(alice)
    response = client.get("/staff/cases/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/second-step/")
    assert not TOTPDevice.objects.exists()
