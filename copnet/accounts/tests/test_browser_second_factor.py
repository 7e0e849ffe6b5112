"""Chromium: an officer sets up the second factor with the QR page at her first sign-in, signs
out, signs in again with a code computed from the key the page showed, and reaches a case page;
before the second step neither the case page, the staff area nor the admin site opens."""

from __future__ import annotations

import re
from typing import Any

import pytest

from copnet.accounts.tests.factories import PASSWORD
from copnet.audit.models import AuditEvent
from copnet.core.testing import SCREENSHOTS, SKIP_BROWSER, totp_now
from copnet.takedowns.tests.factories import make_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(SKIP_BROWSER, reason="no Chromium on this machine (apt install chromium)"),
]


def password_step(page: Any, url: str, user: Any) -> None:
    page.goto(url + "/accounts/login/")
    page.locator("input[name=username]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()


def assert_closed(page: Any, url: str, case: Any) -> None:
    for path in (f"/staff/cases/{case.reference}/", "/staff/", "/admin/", "/accounts/people/"):
        page.goto(url + path)
        assert re.search(r"/accounts/(second-step|security/authenticator)/", page.url), path
        # The address asked for comes back as `next`; nothing of the case itself does.
        assert case.reference not in page.locator("main h1").inner_text()
        assert "facebook.com/post/1" not in page.content()


@pytest.mark.django_db(transaction=True)
def test_an_officer_sets_up_the_app_then_signs_in_with_a_code(
    reference_data, alice, live_server, browser_page: Any, evidence_dir
):
    case = make_case(lead=alice.organisation)
    page = browser_page
    url = live_server.url

    password_step(page, url, alice)
    assert "/accounts/security/authenticator/" in page.url
    assert_closed(page, url, case)
    assert page.locator("#totp-qr svg").is_visible()
    secret = page.locator("#totp-secret").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "second_factor_setup.png"), full_page=True)
    page.locator("input[name=code]").fill(totp_now(secret))
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()
    assert page.locator("#recovery-codes li").count() == 10
    page.screenshot(path=str(SCREENSHOTS / "second_factor_recovery_codes.png"), full_page=True)
    with page.expect_navigation():
        page.locator("#recovery-codes-saved").click()
    page.goto(f"{url}/staff/cases/{case.reference}/")
    assert "facebook.com/post/1" in page.content()  # what assert_closed looks for, now shown

    with page.expect_navigation():
        page.locator("header form[action='/accounts/logout/'] button").click()
    password_step(page, url, alice)
    assert "/accounts/second-step/" in page.url
    assert_closed(page, url, case)
    page.goto(f"{url}/staff/cases/{case.reference}/")  # asks for the step, then comes back here
    page.locator("input[name=code]").fill("000000" if totp_now(secret) != "000000" else "111111")
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()
    assert page.locator(".field .error").inner_text().strip()  # a translated error, no 500
    page.screenshot(path=str(SCREENSHOTS / "second_step_wrong_code.png"), full_page=True)
    assert "/accounts/second-step/" in page.url
    page.wait_for_timeout(1100)  # a wrong code makes the next try wait a second
    page.locator("input[name=code]").fill(totp_now(secret, later=30))  # the app's next code
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()
    assert page.url == f"{url}/staff/cases/{case.reference}/"
    assert case.reference in page.content()
    actions = set(AuditEvent.objects.filter(actor=alice).values_list("action", flat=True))
    assert {"second_factor_added", "second_factor_failed", "second_factor_passed"} <= actions
