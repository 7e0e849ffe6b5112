"""The network by province and skill, coverage gaps on a map, pending applications, overdue."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from copnet.volunteers.models import Task
from copnet.volunteers.services import work

from .factories import make_application, make_task, make_volunteer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def test_the_overview_lists_pending_applications_and_overdue_tasks(client, coordinator, volunteer):
    application = make_application(full_name="Đỗ Thị Chờ")
    task = make_task(coordinator, title="Việc quá hạn")
    work.do_accept_task(task=task, volunteer=volunteer, actor=volunteer.user)
    Task.objects.filter(pk=task.pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    client.force_login(coordinator)
    html = client.get("/volunteers/manage/").content.decode()
    assert application.full_name in html
    assert "Việc quá hạn" in html


def test_the_coverage_map_marks_provinces_without_volunteers(client, coordinator, volunteer):
    make_volunteer(coordinator, email="hcm@example.vn", province="79", skills=["translation"])
    client.force_login(coordinator)
    response = client.get("/volunteers/manage/coverage/")
    rows = {row.code: row for row in response.context["rows"]}
    assert len(rows) == 34
    assert rows["01"].volunteers == 1
    assert not rows["01"].gap
    assert rows["79"].by_skill["translation"] == 1
    assert rows["96"].gap
    html = response.content.decode()
    # The province map: the 32 provinces without a volunteer are coverage gaps, in red.
    assert len(re.findall(r'class="province gap" data-province="\d\d"><path', html)) == 32
    assert len(re.findall(r'class="province" data-province="\d\d"><path', html)) == 2
    assert 'href="/volunteers/manage/volunteers/?province=79" class="province"' in html
    assert html.count('fill="#f4b6b0"') >= 32
    assert "<title>Thành phố Hồ Chí Minh: 1</title>" in html


def test_the_network_can_be_filtered_by_province_and_skill(client, coordinator, volunteer):
    make_volunteer(coordinator, email="hcm@example.vn", province="79", skills=["translation"])
    client.force_login(coordinator)
    by_province = client.get("/volunteers/manage/volunteers/?province=79").context["page"]
    assert [v.user.email for v in by_province] == ["hcm@example.vn"]
    by_skill = client.get("/volunteers/manage/volunteers/?skill=verify_urls").context["page"]
    assert [v.user.email for v in by_skill] == [volunteer.user.email]


def test_a_team_lead_sees_only_their_province(client, coordinator, volunteer):
    lead = make_volunteer(coordinator, level="team_lead", email="lead79@example.vn", province="79")
    client.force_login(lead.user)
    listing = client.get("/volunteers/manage/volunteers/").content.decode()
    assert lead.user.full_name in listing
    assert volunteer.user.full_name not in listing
    assert client.get(f"/volunteers/manage/volunteers/{volunteer.pk}/").status_code == 404


def test_viewing_a_volunteer_is_audited(client, coordinator, volunteer):
    from copnet.audit.models import AuditEvent

    client.force_login(coordinator)
    client.get(f"/volunteers/manage/volunteers/{volunteer.pk}/")
    assert AuditEvent.objects.filter(
        action="view", target_type="volunteers.volunteer", actor=coordinator
    ).exists()
