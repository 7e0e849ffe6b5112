"""The campaign report (PDF) sums up plan, attendance, reach, completions and the survey; QR
codes encode the tracked link."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from copnet.accounts.choices import Role
from copnet.accounts.tests.factories import make_user
from copnet.audit.models import AuditEvent
from copnet.campaigns.models import Activity
from copnet.campaigns.services import do_count_visit, do_submit_survey
from copnet.education.models import Completion
from copnet.education.tests.factories import make_course

from .factories import add_link, add_survey, make_campaign

pytestmark = pytest.mark.django_db


def test_the_report_sums_up_the_campaign(client, org_a):
    course = make_course()
    campaign = make_campaign(organisation=org_a)
    link = add_link(campaign, course=course, label="Áp phích trường Kim Liên")
    for _ in range(3):
        do_count_visit(link=link)
    Completion.objects.create(course=course, campaign=campaign)
    Activity.objects.create(
        campaign=campaign, title="Buổi học ngoại khóa", kind="school_session",
        held_on=dt.date(2026, 6, 5), province="01", children_attending=120, adults_attending=8,
    )  # fmt: skip
    q1, q2 = add_survey(campaign)
    do_submit_survey(campaign=campaign, phase="before", answers={str(q1.pk): 2, str(q2.pk): 3})
    do_submit_survey(campaign=campaign, phase="after", answers={str(q1.pk): 4, str(q2.pk): 5})

    editor = make_user(email="e@a.example", organisation=org_a, role=Role.EDITOR)
    client.force_login(editor)
    response = client.get(reverse("campaigns_staff:report", args=[campaign.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("Hè an toàn trên mạng", "Áp phích trường Kim Liên", "Buổi học ngoại khóa",
                     "120", "Nhận định 0", "2.00", "4.00", "+2.00"):  # fmt: skip
        assert expected in text, expected
    assert AuditEvent.objects.filter(action="export", target_id=str(campaign.pk)).count() == 1

    detail = client.get(reverse("campaigns_staff:detail", args=[campaign.pk]))
    reach = detail.context["reach"]
    assert (reach.visits, reach.completions, reach.children_attending) == (3, 1, 120)


def test_qr_codes_come_as_svg_and_png(client, org_a):
    campaign = make_campaign(organisation=org_a)
    link = add_link(campaign, target="learn")
    client.force_login(make_user(email="e@a.example", organisation=org_a, role=Role.EDITOR))
    svg = client.get(reverse("campaigns_staff:link_qr", args=[campaign.pk, link.code, "svg"]))
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content
    png = client.get(reverse("campaigns_staff:link_qr", args=[campaign.pk, link.code, "png"]))
    assert png.content.startswith(b"\x89PNG")
    assert (
        client.get(
            reverse("campaigns_staff:link_qr", args=[campaign.pk, link.code, "gif"])
        ).status_code
        == 404
    )


def test_the_public_page_shows_the_campaign_and_its_courses(org_a):
    course = make_course()
    campaign = make_campaign(organisation=org_a, message_en="")
    campaign.courses.set([course])
    body = Client().get(reverse("campaigns:landing", args=[campaign.code])).content.decode()
    assert "Hè an toàn trên mạng" in body
    assert "<strong>khóa học</strong>" in body
    assert reverse("learn:course", args=[course.code]) in body
