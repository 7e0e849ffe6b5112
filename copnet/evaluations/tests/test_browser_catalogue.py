"""A real browser browses the catalogue, filters and searches it, and opens a product."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from copnet.core.testing import SCREENSHOTS, SKIP_BROWSER

from .test_catalogue import _list

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(SKIP_BROWSER, reason="no Chromium on this machine (apt install chromium)"),
]


@pytest.mark.django_db(transaction=True)
def test_a_parent_finds_a_safe_app_and_opens_its_evaluation(cast, live_server, browser_page: Any):
    _list(cast)
    guard = _list(
        cast,
        name="Khiên Gia Đình",
        kind="parental_control",
        description_vi="Lọc web và giới hạn thời gian dùng máy.",
        platforms=",windows,",
        purposes=",protect,",
        age_min=3,
        age_max=17,
    )
    page = browser_page
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Ứng dụng an toàn").click()
    page.wait_for_selector("#result-count")
    assert page.locator(".product-card").count() == 2

    # Filtering by kind updates the results in place (htmx) and the address bar.
    page.locator("#id_kind").select_option("parental_control")
    expect(page.locator(".product-card")).to_have_count(1, timeout=15000)
    assert "kind=parental_control" in page.url
    assert page.locator(".product-card h2").inner_text() == "Khiên Gia Đình"

    # A free-text search in Vietnamese, submitted with the button.
    page.locator("#id_kind").select_option("")
    expect(page.locator(".product-card")).to_have_count(2, timeout=15000)
    page.locator("#id_q").fill("toán")
    page.locator("#catalogue-filters button[type=submit]").click()
    expect(page.locator(".product-card")).to_have_count(1, timeout=15000)
    assert page.locator(".product-card h2").inner_text() == "Bé Học Vui"
    page.locator("#id_q").fill("không có sản phẩm này")
    page.locator("#catalogue-filters button[type=submit]").click()
    page.wait_for_selector("#no-results")

    page.goto(live_server.url + "/ecosystem/?age=15")
    assert page.locator(".product-card").count() == 1
    page.get_by_role("link", name="Khiên Gia Đình").click()
    page.wait_for_selector("#product-name")
    assert page.locator("#product-name").inner_text() == "Khiên Gia Đình"
    assert "Khuyến nghị" in page.locator("#evaluation-summary").inner_text()
    badge = page.locator("img[src$='badge.svg']")
    assert badge.evaluate("img => img.complete && img.naturalWidth > 0")
    assert (
        page.locator("#report-pdf").get_attribute("href") == f"/ecosystem/{guard.slug}/report.pdf"
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "ecosystem_product.png"), full_page=True)
