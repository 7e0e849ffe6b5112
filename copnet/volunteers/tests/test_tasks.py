"""Tasks: who sees which, what a volunteer sees of one, and acting on someone else's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from copnet.audit.models import AuditEvent
from copnet.cases.models import CaseEvent
from copnet.reports.tests.factories import file_report
from copnet.volunteers.errors import VolunteerError
from copnet.volunteers.models import Assignment
from copnet.volunteers.selectors import open_tasks_for_volunteer
from copnet.volunteers.services import work

from .factories import birth_date, make_task, make_volunteer

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("reference_data", "evidence_dir"),
]


def test_a_verification_task_shows_only_the_address_and_the_question(
    client, coordinator, volunteer
):
    report, _secret = file_report(
        category="cyberbullying",
        description="MẬT: tên nạn nhân Nguyễn Thị X",
        urls=["https://social.example/post/42"],
        account_handles="@ke_bat_nat",
    )
    task = make_task(coordinator, urls=[], case_reference=report.case.reference)
    assert task.urls == ["https://social.example/post/42"]
    client.force_login(volunteer.user)
    html = client.get(f"/volunteers/tasks/{task.pk}/").content.decode()
    assert "https://social.example/post/42" in html
    assert task.question in html
    for secret in [
        report.case.reference,
        "MẬT",
        "Nguyễn Thị X",
        "@ke_bat_nat",
        report.tracking_code,
    ]:
        assert secret not in html


def test_a_task_for_a_critical_case_is_refused(coordinator):
    report, _ = file_report(category="csam", urls=["https://abuse.example/x"])
    with pytest.raises(VolunteerError) as error:
        make_task(coordinator, urls=[], case_reference=report.case.reference)
    assert error.value.code == "critical_case"


def test_volunteers_see_tasks_of_their_province_and_skills(coordinator, volunteer):
    own = make_task(coordinator, province="01")
    nationwide = make_task(coordinator, province="")
    make_task(coordinator, province="79")
    make_task(coordinator, kind="translate", urls=[], province="01")  # skill they lack
    assert {t.pk for t in open_tasks_for_volunteer(volunteer)} == {own.pk, nationwide.pk}


def test_minors_never_get_tasks_that_can_show_harmful_content(client, coordinator):
    minor = make_volunteer(
        coordinator,
        trained=True,
        date_of_birth=birth_date(16),
        background="student",
        skills=["verify_urls", "events"],
        guardian_name="Mẹ",
        guardian_relationship="Mẹ",
        guardian_email="me@example.vn",
    )
    verify = make_task(coordinator)
    event = make_task(coordinator, kind="campaign_event", urls=[])
    assert [t.pk for t in open_tasks_for_volunteer(minor)] == [event.pk]
    client.force_login(minor.user)
    assert client.get(f"/volunteers/tasks/{verify.pk}/").status_code == 404
    with pytest.raises(VolunteerError):
        work.do_accept_task(task=verify, volunteer=minor, actor=minor.user)
    assert not Assignment.objects.filter(task=verify).exists()


def test_a_volunteer_cannot_report_on_a_task_assigned_to_someone_else(
    client, coordinator, volunteer
):
    other = make_volunteer(coordinator, trained=True, email="other@example.vn")
    task = make_task(coordinator, slots=2)
    theirs = work.do_accept_task(task=task, volunteer=other, actor=other.user)
    client.force_login(volunteer.user)
    response = client.post(
        f"/volunteers/assignments/{theirs.pk}/",
        {"hours": "5", "outcome": "Giả mạo", "url_0": "removed"},
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.status, theirs.hours, theirs.outcome) == ("accepted", 0, "")
    denied = AuditEvent.objects.filter(action="denied", target_type="volunteers.assignment")
    assert denied.get().actor == volunteer.user


def test_slots_limit_how_many_take_a_task(coordinator, volunteer):
    other = make_volunteer(coordinator, trained=True, email="other@example.vn")
    task = make_task(coordinator, slots=1)
    work.do_accept_task(task=task, volunteer=volunteer, actor=volunteer.user)
    with pytest.raises(VolunteerError) as error:
        work.do_accept_task(task=task, volunteer=other, actor=other.user)
    assert error.value.code == "full"


def test_report_back_needs_a_check_for_every_address(coordinator, volunteer):
    task = make_task(coordinator, urls=["https://a.example/1", "https://a.example/2"])
    assignment = work.do_accept_task(task=task, volunteer=volunteer, actor=volunteer.user)
    with pytest.raises(VolunteerError):
        work.do_report_back(
            assignment=assignment,
            volunteer=volunteer,
            actor=volunteer.user,
            hours="1",
            outcome="ok",
            url_results={"https://a.example/1": "online"},
        )
    for bad_hours in ["0", "-1", "101", "nhiều"]:
        with pytest.raises(VolunteerError):
            work.do_report_back(
                assignment=assignment,
                volunteer=volunteer,
                actor=volunteer.user,
                hours=bad_hours,
                outcome="ok",
                url_results={"https://a.example/1": "online", "https://a.example/2": "online"},
            )
    assignment.refresh_from_db()
    assert assignment.status == "accepted"


def test_a_verification_result_reaches_the_case_timeline(coordinator, volunteer):
    report, _ = file_report(urls=["https://social.example/post/7"])
    task = make_task(coordinator, urls=[], case_reference=report.case.reference)
    assignment = work.do_accept_task(task=task, volunteer=volunteer, actor=volunteer.user)
    work.do_report_back(
        assignment=assignment,
        volunteer=volunteer,
        actor=volunteer.user,
        hours="0.5",
        outcome="Đã bị gỡ.",
        url_results={"https://social.example/post/7": "removed"},
    )
    note = CaseEvent.objects.filter(case=report.case, kind="note").get()
    assert "https://social.example/post/7" in note.text
    assert note.actor == volunteer.user


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("urls", ["javascript:alert(1)"]),
        ("urls", ["https://x.example/" + str(n) for n in range(21)]),
        ("kind", "hack"),
        ("title", ""),
        ("province", "../../etc"),
        ("due_at", "tomorrow"),
        ("slots", 0),
    ],
)
def test_bad_task_input_is_refused(coordinator, field, value):
    from copnet.volunteers.models import Task

    with pytest.raises(VolunteerError):
        make_task(coordinator, **{field: value})
    assert Task.objects.count() == 0


def test_a_past_due_date_is_refused(coordinator):
    with pytest.raises(VolunteerError) as refused:
        make_task(coordinator, due_at=timezone.now() - dt.timedelta(hours=1))
    assert refused.value.code == "invalid_date"


def test_a_team_lead_posts_tasks_only_for_their_province(client, coordinator):
    lead = make_volunteer(coordinator, level="team_lead", email="lead@example.vn", province="01")
    make_task(lead.user, province="01")
    with pytest.raises(Exception):  # noqa: B017, PT011 - PermissionDenied, audited
        make_task(lead.user, province="79")
    assert AuditEvent.objects.filter(action="denied", target_type="volunteers.task").exists()


def test_untrained_volunteers_cannot_take_tasks(client, coordinator):
    new = make_volunteer(coordinator, email="new@example.vn")
    task = make_task(coordinator)
    with pytest.raises(VolunteerError):
        work.do_accept_task(task=task, volunteer=new, actor=new.user)
    client.force_login(new.user)
    assert client.get(f"/volunteers/tasks/{task.pk}/").status_code == 302
