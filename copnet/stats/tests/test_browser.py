"""A real browser opens the dashboard, reads the province map and drills down to cases."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from copnet.core.testing import SCREENSHOTS, SKIP_BROWSER, sign_in
from copnet.stats import rollups

from .factories import at

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(SKIP_BROWSER, reason="no Chromium on this machine (apt install chromium)"),
]


@pytest.mark.django_db(transaction=True)
def test_the_coordinator_reads_the_dashboard_and_the_map(
    small_world, coordinator, live_server, browser_page: Any
):
    rollups.refresh(now=at(2025, 9, 1))
    page = browser_page
    sign_in(page, live_server.url, coordinator)
    page.goto(live_server.url + "/staff/stats/?kind=month&period=2025-07")
    assert page.locator("[data-kpi=cases]").inner_text() == "5"
    provinces = page.locator("[data-testid=map] a.province path")
    assert provinces.count() == 34
    hcmc = page.locator("[data-testid=map] a.province[data-province='79']")
    assert hcmc.locator("title").text_content() == "Thành phố Hồ Chí Minh: 2"
    # Drawn with real area: Ho Chi Minh City lies south of Hanoi and is not a dot.
    box_hcmc = hcmc.bounding_box()
    box_hanoi = page.locator("[data-testid=map] a.province[data-province='01']").bounding_box()
    assert box_hcmc["y"] > box_hanoi["y"] + 5 * box_hanoi["height"]
    assert box_hcmc["width"] > 10
    islands = page.locator("[data-testid=map] a.islands")
    assert islands.count() == 2
    assert "Quần đảo Trường Sa" in islands.nth(1).locator("title").text_content()
    assert page.locator("svg#c-map title").first.text_content() == "Số ca theo tỉnh, thành phố"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "stats_dashboard.png"), full_page=True)
    # Filters through htmx, then the drill-down from a province on the map.
    page.locator("#id_category").select_option("scam_gambling")
    page.locator(".stats-filters button[type=submit]").click()
    expect(page.locator("[data-kpi=cases]")).to_have_text("2", timeout=15000)
    page.locator("[data-testid=map] a.province[data-province='01'] path").click()
    page.wait_for_url("**/staff/stats/cases/**")
    assert page.locator("tr[data-case]").count() == 2
