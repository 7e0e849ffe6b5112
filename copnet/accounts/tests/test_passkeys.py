"""Passkeys (django-otp-webauthn): offered only where the site has a secure domain, a second
step only (never instead of the password), in Vietnamese too. The ceremony itself runs in a
real browser: test_browser_passkeys.py."""

from __future__ import annotations

import pytest

from copnet.accounts.tests.factories import PASSWORD, make_authenticator

pytestmark = [pytest.mark.django_db, pytest.mark.raw_second_factor]

BEGIN_REGISTRATION = "/accounts/passkeys/registration/begin/"
BEGIN_AUTHENTICATION = "/accounts/passkeys/authentication/begin/"


@pytest.fixture
def passkeys_on(settings):
    settings.PASSKEYS_ENABLED = True
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = ["http://localhost:8000"]
    return settings


def test_the_laptop_default_address_offers_no_passkeys(client, alice, settings):
    assert settings.PASSKEYS_ENABLED is False  # SITE_URL is http://127.0.0.1:8000 in tests
    client.post("/accounts/login/", {"username": alice.email, "password": PASSWORD})
    page = client.get("/accounts/security/authenticator/").content.decode()
    assert "passkey-registration-placeholder" not in page
    response = client.post(BEGIN_REGISTRATION, content_type="application/json")
    assert response.status_code == 404
    assert response.json()["code"] == "passkeys_off"


def test_a_first_passkey_may_be_registered_right_after_the_password(client, alice, passkeys_on):
    client.post("/accounts/login/", {"username": alice.email, "password": PASSWORD})
    page = client.get("/accounts/security/authenticator/").content.decode()
    assert "passkey-registration-placeholder" in page
    response = client.post(BEGIN_REGISTRATION, content_type="application/json")
    assert response.status_code == 200
    options = response.json()
    assert options["rp"] == {"name": "COPNet", "id": "localhost"}
    assert options["user"]["name"] == alice.email


def test_with_a_factor_already_a_passkey_needs_the_second_step_first(client, alice, passkeys_on):
    make_authenticator(alice)
    client.post("/accounts/login/", {"username": alice.email, "password": PASSWORD})
    response = client.post(BEGIN_REGISTRATION, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "user_not_verified"


def test_a_passkey_never_replaces_the_password(client, passkeys_on):
    response = client.post(BEGIN_AUTHENTICATION, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "passwordless_login_disabled"


def test_forged_or_stale_ceremonies_get_json_errors_not_500(client, alice, passkeys_on):
    client.post("/accounts/login/", {"username": alice.email, "password": PASSWORD})
    for url in (
        "/accounts/passkeys/registration/complete/",
        "/accounts/passkeys/authentication/complete/",
    ):
        for body in ("", "{", '{"id": "x", "rawId": "!!", "response": {}}', "[]" * 5000):
            response = client.post(url, body, content_type="application/json")
            assert 400 <= response.status_code < 500, (url, body[:20])
    assert client.get("/staff/").status_code == 302


def test_the_passkey_scripts_speak_vietnamese(client):
    script = client.get("/accounts/passkeys/jsi18n/", HTTP_ACCEPT_LANGUAGE="vi")
    assert "\\u0110\\u0103ng k\\u00fd kh\\u00f3a truy c\\u1eadp" in script.content.decode() or (
        "Đăng ký khóa truy cập" in script.content.decode()
    )
