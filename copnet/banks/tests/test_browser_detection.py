"""A real headless Chromium: an analyst adds a hash, searches the bank and checks a text."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from copnet.banks import engine
from copnet.banks.models import BankEntry
from copnet.core.testing import SCREENSHOTS, SKIP_BROWSER, sign_in

from .factories import MD5_A, PDQ_A, add_hash, make_bank

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(SKIP_BROWSER, reason="no Chromium on this machine (apt install chromium)"),
]


@pytest.mark.django_db(transaction=True)
def test_an_analyst_curates_a_bank_and_checks_a_text(
    reference_data, bob, live_server, browser_page: Any
):
    engine.reset()
    bank = make_bank(description="<b>partner</b> list")
    add_hash(bank, MD5_A, "md5")
    page = browser_page
    sign_in(page, live_server.url, bob)
    page.locator("a[href='/staff/detection/']").click()
    page.locator("a[href='/staff/detection/banks/partner/']").click()
    assert "<b>partner</b> list" in page.locator(".facts").inner_text()

    page.locator("#add-entry select[name=signal_type]").select_option("pdq")
    page.locator("#add-entry input[name=value]").fill("xyz")
    page.locator("#add-entry button").click()
    assert page.locator("#add-entry .error").is_visible()
    page.locator("#add-entry input[name=value]").fill(PDQ_A)
    page.locator("#add-entry button").click()
    page.wait_for_selector(".message")
    assert page.locator("#entry-table tbody tr").count() == 2
    assert BankEntry.objects.filter(value=PDQ_A).exists()

    page.locator("#id_q").fill("aaaa")  # htmx searches while typing
    expect(page.locator("#entry-table tbody tr")).to_have_count(1, timeout=15000)
    assert MD5_A in page.locator("#entry-table").inner_text()
    assert "q=aaaa" in page.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "detection_bank.png"), full_page=True)

    page.goto(live_server.url + "/staff/detection/check/")
    page.locator("#id_kind").select_option("text")
    page.locator("#id_value").fill("em ơi đừng nói với bố mẹ nhé <script>window.pwned=1</script>")
    page.locator("#check-form button").click()
    page.wait_for_selector("#highlighted mark")
    assert "bố mẹ" in page.locator("#highlighted mark").first.inner_text()
    assert page.evaluate("window.pwned") is None
    assert "/staff/detection/check/" in page.url
    page.screenshot(path=str(SCREENSHOTS / "detection_check.png"), full_page=True)
