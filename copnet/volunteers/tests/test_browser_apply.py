"""A real browser completes the volunteer application and a coordinator accepts it."""

from __future__ import annotations

from typing import Any

import pytest

from copnet.core.testing import SCREENSHOTS, SKIP_BROWSER, sign_in
from copnet.volunteers.models import Application, Volunteer

from .factories import birth_date

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(SKIP_BROWSER, reason="no Chromium on this machine (apt install chromium)"),
]


@pytest.mark.django_db(transaction=True)
def test_an_applicant_applies_and_a_coordinator_accepts(
    reference_data, coordinator, live_server, browser_page: Any
):
    page = browser_page
    page.goto(live_server.url + "/volunteers/apply/")
    page.locator("#id_full_name").fill("Vũ Thị Hạnh")
    page.locator("#id_email").fill("hanh@example.vn")
    page.locator("#id_phone").fill("0987654321")
    page.locator("#id_date_of_birth").fill(birth_date(27).isoformat())
    page.locator("#id_province").select_option("48")
    page.locator("#id_background").select_option("teacher")
    page.locator("input[name=skills][value=teaching]").check()
    page.locator("input[name=availability][value=weekends]").check()
    page.locator("#id_hours_per_month").fill("8")
    page.locator("#id_motivation").fill("Tôi là giáo viên và muốn dạy học sinh an toàn trên mạng.")
    page.locator("#id_consent_vetting").check()
    page.locator("#id_consent_code").check()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "volunteer_apply.png"), full_page=True)
    page.locator("form.apply-form button[type=submit]").click()
    page.wait_for_selector("#application-received")
    application = Application.objects.get()
    assert application.status == "pending"

    sign_in(page, live_server.url, coordinator)
    page.goto(live_server.url + "/volunteers/manage/")
    page.locator("#pending-applications a").first.click()
    assert page.locator("#application-status").inner_text().strip()
    page.locator("input[name=decision][value=accept]").check()
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url("**/volunteers/manage/applications/")
    application.refresh_from_db()
    assert application.status == "accepted"
    volunteer = Volunteer.objects.get(application=application)
    assert volunteer.user.email == "hanh@example.vn"
    assert volunteer.province == "48"
