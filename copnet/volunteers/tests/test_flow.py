"""The whole way: application → vetting → training → task → report back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from copnet.audit.models import AuditEvent
from copnet.education.models import Completion
from copnet.volunteers.models import Application, Assignment, Volunteer

from .factories import birth_date

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def test_application_vetting_training_task_and_report_back(client, coordinator):
    # 1. Application (public form).
    client.post(
        "/volunteers/apply/",
        {
            "full_name": "Lê Thu Hà",
            "email": "ha@example.vn",
            "date_of_birth": birth_date(22).isoformat(),
            "province": "48",
            "background": "youth_union",
            "skills": ["verify_urls"],
            "availability": ["evenings"],
            "hours_per_month": "6",
            "motivation": "Đoàn viên, muốn góp sức.",
            "consent_vetting": "on",
            "consent_code": "on",
        },
    )
    application = Application.objects.get()
    # 2. Vetting.
    client.force_login(coordinator)
    client.post(f"/volunteers/manage/applications/{application.pk}/", {"decision": "accept"})
    volunteer = Volunteer.objects.get(application=application)
    task_response = client.post(
        "/volunteers/manage/tasks/new/",
        {
            "kind": "verify_urls",
            "title": "Kiểm tra 2 địa chỉ",
            "question": "Các trang này còn hoạt động không?",
            "urls": "https://bad.example/a\nhttps://bad.example/b",
            "province": "48",
            "skills": ["verify_urls"],
            "slots": "2",
            "due_at": (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert task_response.status_code == 302
    client.logout()
    # 3. Before training the volunteer cannot take tasks.
    client.force_login(volunteer.user)
    assert client.get("/volunteers/tasks/").status_code == 302
    training_page = client.get("/volunteers/training/")
    for item_id in training_page.context["items"]:
        client.post("/volunteers/training/", {"item": item_id[0].pk})
    volunteer.refresh_from_db()
    assert volunteer.level == "new"  # the checklist alone: the course is still to do
    course = training_page.context["course"]
    Completion.objects.create(course=course, user=volunteer.user)  # finished at /learn/
    page = client.get("/volunteers/training/")
    assert 'id="training-confirm"' in page.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.level == "new"  # a GET changes nothing
    client.post("/volunteers/training/", {"confirm": "1"})
    volunteer.refresh_from_db()
    assert volunteer.level == "trained"
    assert AuditEvent.objects.filter(
        action="update", target_type="volunteers.volunteer", target_id=str(volunteer.pk)
    ).exists()
    # 4. Task.
    tasks = client.get("/volunteers/tasks/")
    assert "Kiểm tra 2 địa chỉ" in tasks.content.decode()
    task = tasks.context["tasks"][0]
    accepted = client.post(f"/volunteers/tasks/{task.pk}/")
    assignment = Assignment.objects.get()
    assert accepted["Location"] == f"/volunteers/assignments/{assignment.pk}/"
    # 5. Report back with hours and outcome.
    done = client.post(
        f"/volunteers/assignments/{assignment.pk}/",
        {
            "hours": "1.5",
            "outcome": "Một trang đã bị gỡ, một trang vẫn còn.",
            "url_0": "removed",
            "url_1": "online",
        },
    )
    assert done.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == "reported"
    assert str(assignment.hours) == "1.5"
    assert assignment.url_results == {
        "https://bad.example/a": "removed",
        "https://bad.example/b": "online",
    }
    assert "1.5" in client.get("/volunteers/history/").content.decode()
