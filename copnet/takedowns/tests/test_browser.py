"""Chromium: an officer drafts and sends a removal request from the case page; a coordinator
sees the request in the queue, the compliance page and the feed page."""

from __future__ import annotations

from typing import Any

import pytest

from copnet.core.testing import SCREENSHOTS, SKIP_BROWSER, sign_in
from copnet.takedowns.models import RemovalRequest
from copnet.takedowns.tests.factories import approver_of, make_case, make_platform

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(SKIP_BROWSER, reason="no Chromium on this machine (apt install chromium)"),
]


@pytest.mark.django_db(transaction=True)
def test_an_officer_sends_a_removal_request_from_the_case_page(
    alice, coordinator, live_server, browser_page: Any, evidence_dir
):
    case = make_case(lead=alice.organisation)
    platform = make_platform(
        code="zalo-test",
        name="Zalo Test",
        channel="web_form",
        web_form_url="https://zalo.example/report",
    )
    page = browser_page
    sign_in(page, live_server.url, alice)
    page.goto(f"{live_server.url}/staff/cases/{case.reference}/")
    page.locator("#removal-requests summary").click()
    page.locator("#removal-requests select[name=platform]").select_option(str(platform.pk))
    assert (
        "https://www.facebook.com/post/1"
        in page.locator("#removal-requests textarea[name=urls]").input_value()
    )
    page.locator("#removal-requests select[name=urgency]").select_option("urgent")
    page.locator("#removal-requests button[type=submit]").click()
    page.wait_for_url("**/staff/takedowns/R*/")
    assert "YÊU CẦU GỠ BỎ NỘI DUNG GÂY HẠI CHO TRẺ EM" in page.locator("pre.notice").inner_text()
    draft_url = page.url
    # Not sendable until the issuing authority approves it (Decree 147/2024).
    assert page.get_by_role("button", name="Gửi yêu cầu").count() == 0
    draft = RemovalRequest.objects.get()
    approver = approver_of(draft)
    page.context.clear_cookies()
    sign_in(page, live_server.url, approver)
    page.goto(draft_url)
    page.get_by_role("button", name="Phê duyệt nhân danh cơ quan ban hành").click()
    page.wait_for_selector("[data-document-number]")
    assert "/YCGB-" in page.locator("[data-document-number]").inner_text()
    page.context.clear_cookies()
    sign_in(page, live_server.url, alice)
    page.goto(draft_url)
    page.get_by_role("button", name="Gửi yêu cầu").click()
    page.wait_for_selector("[data-status=sent]")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "removal_request.png"), full_page=True)
    removal = RemovalRequest.objects.get()
    assert (removal.status, removal.urgency, removal.delivery) == ("sent", "urgent", "manual")

    page.context.clear_cookies()
    sign_in(page, live_server.url, coordinator)
    page.goto(live_server.url + "/staff/takedowns/")
    assert page.locator(f"[data-request='{removal.reference}']").is_visible()
    page.goto(live_server.url + "/staff/takedowns/compliance/")
    assert page.locator("tr[data-platform='zalo-test']").is_visible()
    page.goto(live_server.url + "/staff/feed/")
    assert page.locator("h1").inner_text() == "Nguồn dữ liệu bảo vệ"
