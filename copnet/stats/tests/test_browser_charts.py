"""Charts people can read, measured in a real browser: rendered text sizes on a phone and a
desktop, the province map used with the keyboard, and a running month shown "to date"."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from copnet.core.testing import SKIP_BROWSER, sign_in
from copnet.stats import rollups

from .factories import at, make_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(SKIP_BROWSER, reason="no Chromium on this machine (apt install chromium)"),
]

# Every rendered piece of text inside the dashboard's chart boxes, with its size on screen:
# SVG text scaled by the SVG's transform to the screen (a viewBox shrinks text), HTML text as
# computed. Closed <details> are opened first, so the tables are measured too.
MEASURE = """() => {
  document.querySelectorAll('#dashboard details').forEach(d => d.open = true);
  const out = [];
  const walker = document.createTreeWalker(
    document.querySelector('#dashboard'), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!node.textContent.trim() || !el.closest('.chart-box')) continue;
    if (el.closest('title, desc')) continue;  // tooltips and descriptions are not drawn
    if (!el.getClientRects().length) continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    if (el instanceof SVGElement) {
      const m = el.getScreenCTM();
      size = size * Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
    }
    out.push([node.textContent.trim().slice(0, 40), Math.round(size * 100) / 100]);
  }
  return out;
}"""


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 1366])
def test_no_chart_text_is_smaller_than_12_px(
    small_world, coordinator, live_server, browser_page: Any, width: int
):
    rollups.refresh(now=at(2025, 9, 1))
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, coordinator)
    page.goto(live_server.url + "/staff/stats/?kind=month&period=2025-07")
    sizes = page.evaluate(MEASURE)
    assert len(sizes) > 100, sizes  # the charts, legends and tables were all measured
    svg_texts = page.evaluate("() => document.querySelectorAll('#dashboard svg text').length")
    assert svg_texts > 5
    small = [(text, size) for text, size in sizes if size < 12]
    assert small == []
    # Nothing is pushed off the screen sideways on a phone.
    overflow = page.evaluate("() => document.documentElement.scrollWidth")
    assert overflow <= width
    # Long category names are shortened in the bars, with the whole name as a tooltip.
    labels = page.locator("#c-category .bar-label")
    assert labels.count() == 2
    for index in range(labels.count()):
        label = labels.nth(index)
        title = label.get_attribute("title")
        assert title is None or title.startswith(label.inner_text().rstrip("…"))


@pytest.mark.django_db(transaction=True)
def test_the_province_map_is_reached_with_tab_and_opened_with_enter(
    small_world, coordinator, live_server, browser_page: Any
):
    rollups.refresh(now=at(2025, 9, 1))
    page = browser_page
    sign_in(page, live_server.url, coordinator)
    page.goto(live_server.url + "/staff/stats/?kind=month&period=2025-07")
    # The map is a group of links, not an image holding links (axe: nested-interactive).
    assert page.locator("svg#c-map").get_attribute("role") == "group"
    assert page.locator("#dashboard [role=img] a, #dashboard [role=img] [href]").count() == 0
    page.locator("#dashboard .freshness").click()  # start tabbing from the dashboard
    reached = None
    for _step in range(200):
        page.keyboard.press("Tab")
        reached = page.evaluate(
            "() => document.activeElement.closest('svg#c-map') ? "
            "[document.activeElement.dataset.province, "
            "document.activeElement.getAttribute('aria-label')] : null"
        )
        if reached:
            break
    assert reached, "no province of the map could be reached with Tab"
    code, name = reached
    assert name.endswith(": 0") or name.split(": ")[-1].isdigit()
    # Tab moves from province to province.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.dataset.province") not in (None, code)
    page.keyboard.press("Shift+Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"province={code}" in page.url
    assert "/staff/stats/cases/" in page.url


@pytest.mark.django_db(transaction=True)
def test_a_running_month_is_shown_to_date_and_compared_like_for_like(
    reference_data, org_a, coordinator, live_server, browser_page: Any
):
    now = timezone.localtime()
    today = now.date()
    month_start = today.replace(day=1)
    previous_start = (month_start - dt.timedelta(days=1)).replace(day=1)
    make_case(created=now - dt.timedelta(minutes=5), lead=org_a, province="01")
    # The previous month: one case on its first day (inside the same days), three after
    # today's day of the month (outside them, not compared).
    make_case(created=at(previous_start.year, previous_start.month, 1, 0), lead=org_a)
    for _index in range(3):
        make_case(
            created=at(previous_start.year, previous_start.month, 28, 12)
            if today.day < 28
            else at(previous_start.year, previous_start.month, 1, 1),
            lead=org_a,
        )
    rollups.refresh()
    page = browser_page
    sign_in(page, live_server.url, coordinator)
    page.goto(live_server.url + f"/staff/stats/?kind=month&period={month_start:%Y-%m}")
    expect(page.locator("[data-testid=partial]")).to_contain_text("đến nay")
    compare = page.locator("[data-testid=like-for-like]").inner_text()
    assert f"{previous_start:%d/%m/%Y}" in compare
    assert page.locator("[data-kpi=cases]").inner_text() == "1"
    delta = page.locator("[data-kpi=cases] + .delta, .kpi:has([data-kpi=cases]) .delta")
    if today.day < 28:
        # 1 case this month to date against 1 case over the same days of last month.
        expect(delta.first).to_contain_text("cùng số ngày")
        expect(delta.first).to_contain_text("(1)")
    # Weeks still to come are not drawn, and the running week is marked.
    rows = page.locator("[data-partial]")
    assert rows.count() == 1
    expect(rows.first).to_contain_text("đến nay")
    labels = page.locator("#dashboard details table").first.locator("tbody th")
    texts = labels.evaluate_all("cells => cells.map(c => c.textContent.trim())")
    assert texts
    for label in texts:
        day, month = (int(x) for x in label.split()[0].split("/"))
        assert dt.date(today.year, month, day) <= today or month > today.month
