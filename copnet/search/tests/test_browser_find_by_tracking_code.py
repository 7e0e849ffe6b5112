"""The 111 operator types the caller's tracking code into the header box and lands on the
case in one step; the P1 alert appears in the header without reloading."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from copnet.accounts.choices import Role
from copnet.accounts.tests.factories import make_user
from copnet.cases.services import do_reassign, triage_case
from copnet.core.testing import SKIP_BROWSER, sign_in
from copnet.reports.tests.factories import file_report

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(SKIP_BROWSER, reason="no Chromium on this machine (apt install chromium)"),
]


@pytest.mark.django_db(transaction=True)
def test_operator_finds_a_case_by_tracking_code_in_one_step(
    reference_data, evidence_dir, org_a, live_server, browser_page: Any
):
    operator = make_user(email="operator@a.example", organisation=org_a, role=Role.OFFICER)
    report, _secret = file_report(urls=["https://social.example/p/1"], enqueue_triage=False)
    case = do_reassign(
        case=triage_case(report.case_id), lead=org_a, supporting=[], reason="t", actor=None
    )
    page = browser_page
    sign_in(page, live_server.url, operator)
    page.goto(live_server.url + "/staff/")
    box = page.locator("header #header-search-q")
    box.fill(report.tracking_code.lower())
    with page.expect_navigation():
        box.press("Enter")
    assert urlsplit(page.url).path == f"/staff/cases/{case.reference}/"
    assert case.reference in page.locator("h1").inner_text()
