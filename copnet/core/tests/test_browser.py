"""A real headless Chromium logs in and walks through the staff pages."""

from __future__ import annotations

from typing import Any

import pytest

from copnet.core.testing import SCREENSHOTS, SKIP_BROWSER, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(SKIP_BROWSER, reason="no Chromium on this machine (apt install chromium)"),
]


@pytest.mark.django_db(transaction=True)
def test_coordinator_logs_in_and_visits_the_staff_pages(
    coordinator, live_server, browser_page: Any
):
    page = browser_page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("a[href='tel:111']").first.is_visible()

    sign_in(page, live_server.url, coordinator)
    assert coordinator.email in page.content() or coordinator.full_name in page.content()
    page.screenshot(path=str(SCREENSHOTS / "staff_home.png"), full_page=True)

    page.goto(live_server.url + "/network/")
    assert page.locator("#standing_agency-VNCERT").is_visible()
    assert page.locator("#member-A05").is_visible()

    page.goto(live_server.url + "/staff/audit/")
    page.locator("select[name=action]").select_option("login")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_selector("#audit-events td")
    assert coordinator.email in page.locator("#audit-events").inner_text()

    page.goto(live_server.url + "/accounts/api-keys/")
    assert page.locator("h1").inner_text()

    page.locator("#language-select").select_option("en")
    page.locator(".lang-switch button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "API keys"
    page.screenshot(path=str(SCREENSHOTS / "api_keys_en.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_shows_the_error_in_the_browser(alice, live_server, browser_page: Any):
    page = browser_page
    page.goto(live_server.url + "/accounts/login/")
    page.locator("input[name=username]").fill(alice.email)
    page.locator("input[name=password]").fill("not the password")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_selector(".errors")
    assert "/accounts/login/" in page.url
    assert page.locator(".errors").inner_text().strip()
