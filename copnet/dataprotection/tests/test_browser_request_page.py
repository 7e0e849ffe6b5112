"""A real browser: a reporter asks for their data on /privacy/requests/, a wrong secret is
refused in Vietnamese, and the answered request offers the download."""

from __future__ import annotations

from typing import Any

import pytest

from copnet.core.testing import SCREENSHOTS, SKIP_BROWSER
from copnet.dataprotection.models import SubjectRequest
from copnet.dataprotection.services import do_answer_request

from .factories import anonymous_report, make_dpo

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(SKIP_BROWSER, reason="no Chromium on this machine (apt install chromium)"),
]


@pytest.mark.django_db(transaction=True)
def test_a_reporter_asks_for_their_data_in_the_browser(
    reference_data, evidence_dir, live_server, browser_page: Any
):
    report, secret = anonymous_report()
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(live_server.url + "/privacy/requests/")
    assert "Dữ liệu cá nhân của bạn" in page.locator("h1").inner_text()

    page.locator("#id_kind").select_option("access")
    page.locator("#id_tracking_code").fill(report.tracking_code)
    page.locator("#id_secret").fill("sai-ma-bi-mat")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_selector(".errors")
    assert "Chúng tôi không tìm thấy phản ánh" in page.locator(".errors").inner_text()
    assert not SubjectRequest.objects.exists()

    page.locator("#id_kind").select_option("access")
    page.locator("#id_tracking_code").fill(report.tracking_code)
    page.locator("#id_secret").fill(secret)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_selector("table.privacy-requests")
    request = SubjectRequest.objects.get()
    assert request.number in page.content()
    assert "Xem dữ liệu đang lưu" in page.locator("table.privacy-requests").inner_text()

    do_answer_request(request=request, actor=make_dpo())
    page.reload()
    link = page.locator(f"a[href='/privacy/requests/{request.pk}/export.zip']")
    assert link.is_visible()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(f"{request.number}.zip")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "privacy_requests_phone.png"), full_page=True)
