"""A real browser files a report through the public form and checks its status page."""

from __future__ import annotations

from typing import Any

import pytest

from copnet.core.testing import SCREENSHOTS, SKIP_BROWSER
from copnet.reports.models import Report
from copnet.reports.tests.factories import make_image

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(SKIP_BROWSER, reason="no Chromium on this machine (apt install chromium)"),
]


@pytest.mark.django_db(transaction=True)
def test_a_child_files_a_report_and_checks_its_status(
    reference_data, evidence_dir, tmp_path, live_server, browser_page: Any
):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    picture = tmp_path / "screenshot.png"
    picture.write_bytes(make_image(11))

    page.goto(live_server.url + "/report/")
    assert page.locator("#danger-alert").is_hidden()
    page.locator("#id_in_danger").check()
    assert page.locator("#danger-alert").is_visible()
    assert page.locator("#danger-alert a[href='tel:111']").is_visible()
    page.locator("#id_in_danger").uncheck()

    page.locator("input[name=category][value=cyberbullying]").check()
    page.locator("#id_description").fill("Có nhóm bạn đăng ảnh em lên để chế giễu.")
    page.locator("#id_urls").fill("https://social.example/post/123")
    page.locator("#id_child_age_band").select_option("12-15")
    page.locator("#id_images").set_input_files(str(picture))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "report_form_phone.png"), full_page=True)
    page.locator("form.report-form button[type=submit]").click()

    page.wait_for_selector("#tracking-code")
    code = page.locator("#tracking-code").inner_text().strip()
    secret = page.locator("#tracking-secret").inner_text().strip()
    report = Report.objects.get(tracking_code=code)
    assert report.evidence.filter(kind="image").count() == 1

    page.goto(live_server.url + "/report/status/")
    page.locator("#id_tracking_code").fill(code)
    page.locator("#id_secret").fill(secret)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_selector("#public-status")
    assert page.locator("h1").inner_text().endswith(code)
    page.screenshot(path=str(SCREENSHOTS / "report_status_phone.png"), full_page=True)
