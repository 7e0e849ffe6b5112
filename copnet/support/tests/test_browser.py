"""Chromium: an officer refers the child from the case page; the hotline's officer finds the
referral in its queue and accepts it from the detail page."""

from __future__ import annotations

from typing import Any

import pytest

from copnet.accounts.models import User
from copnet.core.testing import SKIP_BROWSER, sign_in
from copnet.support.models import Referral

from .factories import make_case, make_hotline

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(SKIP_BROWSER, reason="no Chromium on this machine (apt install chromium)"),
]


@pytest.mark.django_db(transaction=True)
def test_refer_from_the_case_page_and_accept_in_the_queue(
    alice, live_server, browser_page: Any, evidence_dir
):
    hotline = make_hotline()
    operator = User.objects.get(organisation=hotline)
    case = make_case(lead=alice.organisation, category="sextortion")
    page = browser_page
    sign_in(page, live_server.url, alice)
    page.goto(f"{live_server.url}/staff/cases/{case.reference}/")
    section = page.locator("#support-referrals")
    section.locator("summary").click()
    section.locator("select[name=receiving_org]").select_option(str(hotline.pk))
    section.locator("select[name=risk_level]").select_option("high")
    section.locator("textarea[name=reason]").fill("Trẻ bị tống tiền, cần hỗ trợ tâm lý")
    section.locator("input[name=shared_fields][value=contact]").check()
    section.locator("input[name=child_contact]").fill("0900 000 000")
    section.locator("input[name=child_age]").fill("13")
    section.locator("textarea[name=child_views]").fill("Em muốn được giúp")
    section.locator("select[name=child_consent]").select_option("given")
    section.locator("select[name=representative_consent]").select_option("given")
    with page.expect_navigation():
        section.locator("button[type=submit]").click()
    referral = Referral.objects.get()
    assert page.url.endswith(f"/staff/support/{referral.reference}/")
    assert page.locator("[data-status=sent]").count() == 1

    page.context.clear_cookies()
    sign_in(page, live_server.url, operator)
    page.goto(f"{live_server.url}/staff/support/")
    with page.expect_navigation():
        page.get_by_role("link", name=referral.reference).click()
    assert "0900 000 000" in page.content()
    with page.expect_navigation():
        page.locator("button[data-action=accept]").click()
    assert page.locator("strong[data-status=accepted]").count() == 1
    assert Referral.objects.get().status == "accepted"
