"""Chromium: a coordinator corrects a case's category (the lead agency and the deadline
follow), splits a wrongly joined report into its own case and assigns the case to an officer
of the new lead (issue 17 items 2 and 3)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from copnet.accounts.choices import Role
from copnet.accounts.tests.factories import make_user
from copnet.cases.models import Case
from copnet.cases.triage_batch import triage_cases_now
from copnet.core.models import OutgoingEmail
from copnet.core.testing import SCREENSHOTS, SKIP_BROWSER, sign_in
from copnet.network.models import Organisation
from copnet.reports.tests.factories import file_report

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(SKIP_BROWSER, reason="no Chromium on this machine (apt install chromium)"),
]


@pytest.mark.django_db(transaction=True)
def test_a_coordinator_corrects_the_category_splits_a_report_and_assigns_the_case(
    coordinator, live_server, browser_page: Any, evidence_dir
):
    from playwright.sync_api import expect

    first, _ = file_report(category="cyberbullying", urls=["https://example.com/p/9"])
    second, _ = file_report(category="privacy", urls=["https://example.com/p/9"])
    assert first.case_id == second.case_id
    triage_cases_now([first.case_id])
    case = Case.objects.get(pk=first.case_id)
    assert case.lead_org.code == "MOET-HSSV"
    due_before = case.action_due
    a05 = Organisation.objects.get(code="A05")
    officer = make_user(
        email="minh@a05.example", organisation=a05, role=Role.OFFICER, full_name="Trần Văn Minh"
    )

    page = browser_page
    sign_in(page, live_server.url, coordinator)
    page.goto(f"{live_server.url}/staff/cases/{case.reference}/")

    # 1. The category was wrong: grooming, not bullying. No reason: refused, nothing changed.
    page.locator("#correct-triage summary").click()
    page.locator("#correct-triage select[name=category]").select_option("grooming")
    page.locator("#correct-triage button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("lý do")
    case.refresh_from_db()
    assert case.category.code == "cyberbullying"
    page.locator("#correct-triage summary").click()
    page.locator("#correct-triage select[name=category]").select_option("grooming")
    page.locator("#correct-triage textarea[name=reason]").fill("Người lạ xin ảnh riêng tư")
    page.locator("#correct-triage button[type=submit]").click()
    expect(page.locator("#case-lead")).to_contain_text(a05.name)
    case.refresh_from_db()
    assert (case.category.code, case.lead_org, case.priority) == ("grooming", a05, 1)
    assert case.action_due < due_before
    expect(page.locator("#case-action-due")).to_contain_text(
        timezone.localtime(case.action_due).strftime("%d/%m/%Y %H:%M")
    )

    # 2. The second report is about a child's private data: its own case.
    page.locator(f"#split-{second.tracking_code} summary").click()
    page.locator(f"#split-{second.tracking_code} textarea[name=reason]").fill("Vụ việc khác")
    page.locator(f"#split-{second.tracking_code} button[type=submit]").click()
    expect(page.locator(f"#report-{second.tracking_code}")).to_have_count(0)
    second.refresh_from_db()
    assert second.case_id != case.pk
    assert second.case.category.code == "privacy"
    expect(page.locator(".messages")).to_contain_text(second.case.reference)

    # 3. An officer of the new lead works on it, and is told by e-mail.
    page.locator("#assignment select[name=assignee]").select_option(str(officer.pk))
    page.locator("#assignment button[value=assign]").click()
    expect(page.locator("#case-assignee")).to_contain_text("Trần Văn Minh")
    case.refresh_from_db()
    assert case.assignee == officer
    email = OutgoingEmail.objects.get(key__startswith="cases.assignee:")
    assert case.reference in email.subject
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "case_triage_corrected.png"), full_page=True)
