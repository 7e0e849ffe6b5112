"""No page scrolls sideways on a phone (390 px) or a laptop (1366 px).

Every HTML route of the URL resolver is tried as a coordinator of the standing agency (who sees
every organisation's records) with values naming one record of each kind; each page that opens
(200, HTML) is then loaded in Chromium at 1366 px and measured, and measured again at 390 px:
the document may not be wider than the window. Tables become stacked cards on a phone
(`core/static/core/site.css`, `stack-tables.js`), so this holds for long lists too.
"""

from __future__ import annotations

import pytest
from django.test import Client

from copnet.accounts.choices import Role
from copnet.accounts.tests.factories import PASSWORD, make_user
from copnet.banks.models import DetectionHit
from copnet.campaigns.models import Activity
from copnet.campaigns.tests.factories import make_campaign
from copnet.core.testing import SCREENSHOTS, SKIP_BROWSER, every_url, sign_in
from copnet.education.models import Course
from copnet.education.services import do_create_class
from copnet.evaluations.tests.factories import criteria, make_product, make_vendor_user, submit
from copnet.reports.tests.factories import make_image
from copnet.takedowns import services as takedowns
from copnet.takedowns.tests.factories import make_case, make_platform
from copnet.volunteers.tests.factories import make_application, make_task, make_volunteer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(SKIP_BROWSER, reason="needs Chromium"),
    pytest.mark.usefixtures("reference_data", "evidence_dir"),
]

SKIP = {
    "accounts:logout",
    "accounts:login",
    "volunteers:leave",
    "volunteers:apply_reply",
    "volunteers:guardian",
    "volunteers:welcome",
    "ecosystem:vendor_register_confirm",
}
WIDTHS = (1366, 390)
# The page is measured, not the screen: a vertical scroll bar takes its width from the window.
OVERFLOW = """() => {
  const root = document.documentElement;
  return {scroll: root.scrollWidth, client: root.clientWidth};
}"""


def world(coordinator) -> dict[str, list[str]]:
    """One record of each kind that a page can name, and the values for every parameter."""
    case = make_case(lead=coordinator.organisation, images=[make_image(4)], province="79")
    report = case.reports.get()
    removal = takedowns.do_create_request(
        case=case,
        platform=make_platform(),
        urls=["https://www.facebook.com/post/1-with-a-very-long-address-that-could-overflow"],
        accounts=[],
        legal_basis="authority_request",
        urgency="normal",
        actor=coordinator,
    )
    hit = DetectionHit.objects.create(
        case=case, report=report, kind="hash", label="match", key="match"
    )
    vendor = make_vendor_user(name="Công ty", email="owner@vendor.example")
    product = make_product(vendor, name="Ứng dụng", slug="ung-dung")
    evaluation = submit(vendor, product)
    campaign = make_campaign(organisation=coordinator.organisation, code="chien-dich", public=True)
    activity = Activity.objects.create(
        campaign=campaign, title="Buổi học", kind="workshop", held_on=case.created_at.date()
    )
    application = make_application(email="apply@example.vn", province="79")
    volunteer = make_volunteer(coordinator, trained=True, email="v@example.vn", province="79")
    task = make_task(coordinator, province="79", slots=3)
    numbers = [
        str(pk)
        for pk in (
            report.evidence.get().pk,
            removal.items.first().pk,
            hit.pk,
            product.pk,
            evaluation.pk,
            evaluation.documents.get().pk,
            campaign.pk,
            activity.pk,
            application.pk,
            volunteer.pk,
            task.pk,
            coordinator.pk,
        )
    ]
    return {
        **dict.fromkeys(["pk", "activity_pk", "task_id", "assignment_id", "hit_id"], numbers),
        "reference": [case.reference, removal.reference],
        "tracking_code": [report.tracking_code],
        "code": ["VNCERT", campaign.code],
        "slug": [product.slug],
        "fmt": ["pdf"],
        "quarter": ["2026-Q1"],
        "phase": ["before"],
        "name": ["partner"],
        "set_pk": [str(criteria().pk)],
        "*": ["1"],
    }


def pages_that_open(user, values: dict[str, list[str]], prefix: str = "/") -> list[str]:
    client = Client()
    client.force_login(user)
    opened = []
    for url in every_url(values, SKIP):
        if url.startswith(("/admin/", "/api/")) or not url.startswith(prefix):
            continue
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
        download = "attachment" in response.get("Content-Disposition", "")
        if (
            response.status_code == 200
            and response["Content-Type"].startswith("text/html")
            and not download
        ):
            opened.append(url)
    return opened


def measure(page, base_url: str, pages: list[str]) -> list[tuple[str, int, int]]:
    too_wide = []
    for url in pages:
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        page.goto(base_url + url)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            size = page.evaluate(OVERFLOW)
            if size["scroll"] > size["client"]:
                too_wide.append((url, width, size["scroll"]))
    return too_wide


def test_no_page_scrolls_sideways_at_390_or_1366_px(browser_page, live_server, coordinator):
    values = world(coordinator)
    pages = pages_that_open(coordinator, values)
    assert len(pages) > 60, pages  # the walker really reached the staff pages
    page = browser_page
    sign_in(page, live_server.url, coordinator)
    too_wide = measure(page, live_server.url, pages)
    # The pages only a volunteer or a teacher opens (the coordinator is refused them).
    volunteer = make_volunteer(coordinator, level="team_lead", email="lead@example.vn").user
    volunteer.set_password(PASSWORD)
    volunteer.save()
    teacher = make_user(
        email="teacher@example.vn", organisation=coordinator.organisation, role=Role.TEACHER
    )
    classroom = do_create_class(
        teacher=teacher, name="Lớp 7A", courses=Course.objects.filter(is_published=True)[:1]
    )
    values = {**values, "pk": [*values["pk"], str(classroom.pk)]}
    for person, prefix in ((volunteer, "/volunteers/"), (teacher, "/learn/teach/")):
        own = [u for u in pages_that_open(person, values, prefix) if u not in pages]
        assert own, prefix
        page.context.clear_cookies()
        sign_in(page, live_server.url, person)
        too_wide += measure(page, live_server.url, own)
    if too_wide:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        url, width, _ = too_wide[0]
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + url)
        page.screenshot(path=str(SCREENSHOTS / "too_wide.png"), full_page=True)
    assert too_wide == [], "\n".join(map(str, too_wide))
