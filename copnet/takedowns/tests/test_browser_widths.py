"""Chromium: the removal-request list and page fit a 1366 px screen with the send and answer
controls in view, and a 390 px phone without sideways scrolling."""

from __future__ import annotations

from typing import Any

import pytest

from copnet.core.testing import SCREENSHOTS, SKIP_BROWSER, sign_in
from copnet.takedowns.tests.factories import approve, make_case, make_platform, make_request

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(SKIP_BROWSER, reason="no Chromium on this machine (apt install chromium)"),
]

WIDTHS = (1366, 390)
LONG_URL = "https://www.facebook.com/groups/" + "a1b2c3d4e5" * 20 + "/posts/1?ref=" + "x" * 120


def _fits(page: Any) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def _in_view(page: Any, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    width = page.evaluate("window.innerWidth")
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


@pytest.mark.django_db(transaction=True)
def test_removal_pages_fit_a_desktop_and_a_phone(
    alice, live_server, browser_page: Any, evidence_dir
):
    case = make_case(lead=alice.organisation, url=LONG_URL)
    platform = make_platform(
        code="web-form-test",
        name="Nền tảng có tên rất dài để thử bố cục trang yêu cầu gỡ bỏ",
        channel="web_form",
        web_form_url="https://platform.example/report/" + "long-path-" * 12,
    )
    draft = make_request(
        case=case, platform=platform, actor=alice, urls=[LONG_URL], accounts=["@" + "k" * 80]
    )
    approve(draft)  # the send button shows once the issuing authority approved
    answered = make_request(case=case, platform=platform, actor=alice, urls=[LONG_URL], send=True)
    page = browser_page
    sign_in(page, live_server.url, alice)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 844 if width < 500 else 768})
        for path, controls in (
            ("/staff/takedowns/?status=all", ["h1"]),
            (f"/staff/takedowns/{draft.reference}/", ["form[action$='/send/'] button"]),
            (
                f"/staff/takedowns/{answered.reference}/",
                [
                    "form[action$='/answer/'] select[name=status]",
                    "form[action$='/answer/'] button[type=submit]",
                    "[data-followup]",
                ],
            ),
        ):
            page.goto(live_server.url + path)
            scroll_width, inner_width = _fits(page)
            assert scroll_width <= inner_width, f"{path} at {width} px: {scroll_width} px wide"
            for selector in controls:
                assert _in_view(page, selector), f"{selector} off-screen on {path} at {width}"
            if width == 1366:
                # On a desktop the send and answer controls are in the first screen.
                for selector in controls[:1]:
                    box = page.locator(selector).first.bounding_box()
                    assert box is not None
                    assert box["y"] < 768, f"{selector} below the fold on {path}"
        page.screenshot(path=str(SCREENSHOTS / f"removal_request_{width}.png"), full_page=True)
