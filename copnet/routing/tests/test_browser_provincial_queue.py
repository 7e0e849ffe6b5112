"""In a real browser: an officer of a provincial police unit finds a case of their province in
their queue without anyone adding it, and not another province's case."""

from __future__ import annotations

from typing import Any

import pytest

from copnet.accounts.choices import Role
from copnet.accounts.tests.factories import make_user
from copnet.cases.models import Case
from copnet.cases.triage_batch import triage_cases_now
from copnet.core.testing import SCREENSHOTS, SKIP_BROWSER, sign_in
from copnet.network.models import Organisation
from copnet.reports.tests.factories import file_report

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(SKIP_BROWSER, reason="no Chromium on this machine (apt install chromium)"),
]


@pytest.mark.django_db(transaction=True)
def test_a_provincial_unit_finds_its_provinces_case_in_its_queue(
    reference_data, evidence_dir, live_server, browser_page: Any
):
    cases = {}
    for province in ("01", "79"):
        report, _secret = file_report(
            category="sextortion",
            province=province,
            urls=[f"https://social.example/{province}"],
            enqueue_triage=False,
        )
        triage_cases_now([report.case_id])  # what the worker does after intake
        cases[province] = Case.objects.get(pk=report.case_id)
    officer = make_user(
        email="officer.pa05.hanoi@police.example",
        organisation=Organisation.objects.get(code="PA05-01"),
        role=Role.OFFICER,
    )

    page = browser_page
    sign_in(page, live_server.url, officer)
    page.goto(live_server.url + "/staff/cases/")
    queue = page.locator("main").inner_text()
    assert cases["01"].reference in queue
    assert cases["79"].reference not in queue
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "provincial_unit_queue.png"), full_page=True)
    page.get_by_role("link", name=cases["01"].reference).first.click()
    page.wait_for_selector("h1")
    assert cases["01"].reference in page.locator("h1").inner_text()
