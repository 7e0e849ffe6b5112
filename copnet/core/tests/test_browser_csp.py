"""Chromium under our Content-Security-Policy: the main pages run without a single violation,
and the API documentation renders from our own files with every other host blocked."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

from copnet.cases.services import triage_case
from copnet.core.testing import SKIP_BROWSER
from copnet.education.models import Lesson
from copnet.reports.tests.factories import file_report, make_image

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(SKIP_BROWSER, reason="no Chromium on this machine (apt install chromium)"),
]

# Collected by the page itself; Playwright's init script is not subject to the page's policy.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${where}`);
});
"""


def watch(page: Any) -> list[str]:
    """Every CSP complaint: the DOM events and Chromium's console messages."""
    complaints: list[str] = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda msg: complaints.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return complaints


def offline(page: Any, live_url: str) -> list[str]:
    """Abort every request that is not for the test server; return what was blocked."""
    own = urlsplit(live_url).netloc
    blocked: list[str] = []

    def handle(route: Any) -> None:
        if urlsplit(route.request.url).netloc == own:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", handle)
    return blocked


def visit(page: Any, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__violations")


@pytest.mark.django_db(transaction=True)
def test_the_main_pages_run_without_a_csp_violation(
    reference_data, coordinator, live_server, browser_page: Any, evidence_dir
):
    report, _secret = file_report(images=[make_image(3)], description="Có người dọa em")
    case = triage_case(report.case_id)
    lesson = Lesson.objects.filter(course__is_published=True).select_related("course").first()
    page = browser_page
    complaints = watch(page)
    offline(page, live_server.url)

    public = ["/", "/report/", f"/learn/course/{lesson.course.code}/lesson/{lesson.pk}/"]
    for path in public:
        assert visit(page, live_server.url + path) == [], path

    client = Client()
    client.force_login(coordinator)  # the session of a signed-in coordinator, in the browser
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    for path in ["/staff/stats/", "/staff/cases/", f"/staff/cases/{case.reference}/"]:
        assert visit(page, live_server.url + path) == [], path
    assert page.locator("img[src*='/preview/']").count() == 1
    assert page.evaluate(
        "[...document.images].every(img => img.complete && img.naturalWidth > 0)"
    ), "a picture did not load"
    # htmx still swaps the queue in place under the policy (no eval, no inline style).
    page.goto(live_server.url + "/staff/cases/")
    page.locator("form.filters select").first.select_option(index=1)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__violations") == []
    assert complaints == []


@pytest.mark.django_db(transaction=True)
def test_the_api_documentation_renders_with_the_internet_blocked(live_server, browser_page: Any):
    page = browser_page
    complaints = watch(page)
    blocked = offline(page, live_server.url)
    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=20000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/reports" in [p.strip() for p in paths]
    assert len(paths) >= 20
    assert page.evaluate("window.__violations") == []
    assert complaints == []
    assert blocked == []  # it did not even try to reach another host
