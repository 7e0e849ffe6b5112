"""Chromium with a virtual authenticator (WebAuthn through the DevTools protocol): an analyst
makes a passkey her second factor at her first sign-in, then signs in with password + passkey."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp_webauthn.models import WebAuthnCredential

from copnet.accounts.tests.factories import PASSWORD
from copnet.audit.models import AuditEvent
from copnet.core.testing import SKIP_BROWSER

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(SKIP_BROWSER, reason="no Chromium on this machine (apt install chromium)"),
]


@pytest.fixture
def passkeys_on(settings, live_server):
    # Passkeys need a domain name: the live server answers at http://localhost:<port>.
    assert live_server.url.startswith("http://localhost:")
    settings.PASSKEYS_ENABLED = True
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]


def virtual_authenticator(page: Any) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def password_step(page: Any, url: str, user: Any) -> None:
    page.goto(url + "/accounts/login/")
    page.locator("input[name=username]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()


@pytest.mark.django_db(transaction=True)
def test_an_analyst_signs_in_with_a_passkey(bob, live_server, browser_page: Any, passkeys_on):
    page = browser_page
    url = live_server.url
    virtual_authenticator(page)

    password_step(page, url, bob)
    assert "/accounts/security/authenticator/" in page.url
    with page.expect_navigation(url="**/accounts/security/recovery-codes/**"):
        page.locator("#passkey-register-button").click()
    assert WebAuthnCredential.objects.filter(user=bob, confirmed=True).count() == 1
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()  # make the recovery codes
    assert page.locator("#recovery-codes li").count() == 10
    with page.expect_navigation(url="**/staff/"):
        page.locator("#recovery-codes-saved").click()

    with page.expect_navigation():
        page.locator("header form[action='/accounts/logout/'] button").click()
    password_step(page, url, bob)
    assert "/accounts/second-step/" in page.url
    page.goto(url + "/staff/detection/")
    assert "/accounts/second-step/" in page.url
    with page.expect_navigation(url="**/staff/detection/"):
        page.locator("#passkey-verification-button").click()
    assert page.locator("main h1").inner_text()
    kinds = [
        e.changes["kind"]
        for e in AuditEvent.objects.filter(
            actor=bob, action__in=["second_factor_added", "second_factor_passed"]
        ).order_by("at", "pk")
    ]
    assert kinds == ["passkey", "passkey"]
