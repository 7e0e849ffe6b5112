"""In a real browser: a coordinator writes to one reporter of a joined case; the other
reporter's status page does not show it; bad input shows a translated error."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from copnet.cases.models import ReportMessage
from copnet.core.testing import SCREENSHOTS, SKIP_BROWSER, sign_in, vi
from copnet.reports.tests.factories import file_report

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(SKIP_BROWSER, reason="no Chromium on this machine (apt install chromium)"),
]
ADVICE = "Em đừng trả tiền và đừng xóa tin nhắn nhé."


def look_up(page: Any, base: str, report: Any, secret: str) -> str:
    page.goto(base + "/report/status/")
    page.locator("#id_tracking_code").fill(report.tracking_code)
    page.locator("#id_secret").fill(secret)
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()
    page.wait_for_selector("#public-status")
    return page.content()


@pytest.mark.django_db(transaction=True)
def test_a_message_to_one_reporter_is_not_shown_to_another(
    coordinator, evidence_dir, live_server, browser_page: Any
):
    page = browser_page
    url = "https://social.example/p/shared-picture"
    with translation.override("vi"):
        child, child_secret = file_report(category="sextortion", urls=[url])
    with translation.override("en"):
        parent, parent_secret = file_report(category="grooming", urls=[url])
    assert child.case_id == parent.case_id
    case = child.case

    sign_in(page, live_server.url, coordinator)
    page.goto(f"{live_server.url}/staff/cases/{case.reference}/")
    child_card = page.locator(f"#report-{child.tracking_code}")
    parent_card = page.locator(f"#report-{parent.tracking_code}")
    assert "Tiếng Anh" in parent_card.inner_text()  # the parent's language is shown

    # Bad input first: an empty message and hostile HTML are refused, in Vietnamese.
    with page.expect_navigation():
        parent_card.locator("button[type=submit]").last.click()
    assert vi("Write the message.", html=False) in page.locator("body").inner_text()
    parent_card.locator("textarea[name=text]").fill('<img src=x onerror="alert(1)">')
    with page.expect_navigation():
        parent_card.locator("button[type=submit]").last.click()
    assert (
        vi("Write the message as plain text, without HTML tags or scripts.", html=False)
        in page.locator("body").inner_text()
    )
    assert not ReportMessage.objects.exists()

    child_card.locator("textarea[name=text]").fill(ADVICE)
    with page.expect_navigation():
        child_card.locator("button[type=submit]").last.click()
    assert ADVICE in page.locator(f"#report-{child.tracking_code}").inner_text()
    assert ADVICE not in page.locator(f"#report-{parent.tracking_code}").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "case_report_messages.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    parent_page = look_up(page, live_server.url, parent, parent_secret)
    assert ADVICE not in parent_page
    assert page.locator("#messages-to-reporter").count() == 0
    page.screenshot(path=str(SCREENSHOTS / "status_other_reporter.png"), full_page=True)

    look_up(page, live_server.url, child, child_secret)
    assert ADVICE in page.locator("#messages-to-reporter").inner_text()
