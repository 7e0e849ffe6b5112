"""The volunteers' API with a personal key: tasks, report back, reports."""

from __future__ import annotations

import pytest

from copnet.accounts.services import do_create_api_key
from copnet.audit.models import AuditEvent
from copnet.reports.models import Report
from copnet.volunteers.models import Assignment
from copnet.volunteers.services import membership, work

from .factories import make_task, make_volunteer

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("reference_data", "evidence_dir"),
]


@pytest.fixture
def auth(volunteer):
    _key, raw = membership.do_create_key(volunteer=volunteer, name="app", actor=volunteer.user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_volunteer_takes_a_task_and_reports_back_through_the_api(client, coordinator, auth):
    task = make_task(coordinator, urls=["https://a.example/x"])
    listed = client.get("/api/v1/volunteers/tasks", **auth).json()
    assert [t["id"] for t in listed] == [task.pk]
    assert set(listed[0]) == {"id", "kind", "title", "question", "urls", "province", "due_at"}
    accepted = client.post(f"/api/v1/volunteers/tasks/{task.pk}/accept", **auth)
    assert accepted.status_code == 201
    assignment_id = accepted.json()["id"]
    done = client.post(
        f"/api/v1/volunteers/assignments/{assignment_id}/report",
        {"hours": "2", "outcome": "Đã kiểm tra", "url_results": {"https://a.example/x": "online"}},
        content_type="application/json",
        **auth,
    )
    assert done.status_code == 200
    assert done.json()["status"] == "reported"
    assert float(client.get("/api/v1/volunteers/me", **auth).json()["hours"]) == 2.0


def test_reporting_on_another_volunteer_s_assignment_answers_404_and_is_audited(
    client, coordinator, auth
):
    other = make_volunteer(coordinator, trained=True, email="o@example.vn")
    task = make_task(coordinator)
    theirs = work.do_accept_task(task=task, volunteer=other, actor=other.user)
    response = client.post(
        f"/api/v1/volunteers/assignments/{theirs.pk}/report",
        {"hours": "3", "outcome": "x", "url_results": {task.urls[0]: "removed"}},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 404
    assert Assignment.objects.get().status == "accepted"
    assert AuditEvent.objects.filter(action="denied", target_type="volunteers.assignment").exists()


def test_a_volunteer_reports_through_the_api_and_sees_the_outcome(client, auth):
    created = client.post(
        "/api/v1/volunteers/reports",
        {"category": "scam_gambling", "urls": ["https://scam.example/x"]},
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201
    assert created.json()["outcome"] == "pending"
    assert Report.objects.get().channel == "volunteer"
    assert [r["outcome"] for r in client.get("/api/v1/volunteers/reports", **auth).json()] == [
        "pending"
    ]


def test_bad_report_input_answers_a_clear_error(client, auth):
    response = client.post(
        "/api/v1/volunteers/reports",
        {"category": "other", "urls": ["javascript:alert(1)"]},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_url"
    assert Report.objects.count() == 0


def test_an_untrained_volunteer_s_key_cannot_take_tasks(client, coordinator):
    new = make_volunteer(coordinator, email="new@example.vn")
    _key, raw = membership.do_create_key(volunteer=new, name="app", actor=new.user)
    response = client.get("/api/v1/volunteers/tasks", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 403


def test_partner_keys_are_not_volunteer_keys_and_the_reverse(client, org_a, auth):
    _key, partner = do_create_api_key(organisation=org_a, name="p", actor=None)
    assert (
        client.get("/api/v1/volunteers/me", HTTP_AUTHORIZATION=f"Bearer {partner}").status_code
        == 401
    )
    assert client.get("/api/v1/network/whoami", **auth).status_code == 401
    assert (
        client.post(
            "/api/v1/reports",
            {"category": "other", "description": "x"},
            content_type="application/json",
            **auth,
        ).status_code
        == 401
    )
