"""History, certificate of hours, leaderboard with opt-out, inactivity reminders."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from copnet.volunteers.models import Volunteer
from copnet.volunteers.selectors import leaderboard
from copnet.volunteers.services import work
from copnet.volunteers.services.health import send_inactivity_reminders

from .factories import birth_date, make_task, make_volunteer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def give_hours(coordinator, volunteer, hours: str, title: str = "Hỗ trợ sự kiện") -> None:
    task = make_task(coordinator, kind="campaign_event", urls=[], title=title, slots=10)
    assignment = work.do_accept_task(task=task, volunteer=volunteer, actor=volunteer.user)
    work.do_report_back(
        assignment=assignment,
        volunteer=volunteer,
        actor=volunteer.user,
        hours=hours,
        outcome="Xong",
    )


@pytest.fixture
def helper(coordinator):
    return make_volunteer(
        coordinator,
        trained=True,
        email="helper@example.vn",
        skills=["events"],
        full_name="Phạm Minh Châu",
    )


def test_the_certificate_lists_tasks_and_total_hours(client, coordinator, helper):
    give_hours(coordinator, helper, "2.5", "Ngày hội An toàn mạng")
    give_hours(coordinator, helper, "4")
    client.force_login(helper.user)
    response = client.get("/volunteers/certificate.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Phạm Minh Châu" in text
    assert "Ngày hội An toàn mạng" in text
    assert "6.5" in text


def test_a_coordinator_downloads_a_volunteer_s_certificate(client, coordinator, helper, alice):
    client.force_login(alice)
    assert (
        client.get(f"/volunteers/manage/volunteers/{helper.pk}/certificate.pdf").status_code == 403
    )
    client.force_login(coordinator)
    response = client.get(f"/volunteers/manage/volunteers/{helper.pk}/certificate.pdf")
    assert response.content.startswith(b"%PDF")


def test_the_leaderboard_ranks_by_hours_and_respects_opt_out(client, coordinator, helper):
    other = make_volunteer(
        coordinator, trained=True, email="b@example.vn", skills=["events"], full_name="Lê Văn Bảo"
    )
    give_hours(coordinator, helper, "3")
    give_hours(coordinator, other, "5")
    rows = leaderboard("01")
    assert [(r.name, Decimal(r.hours)) for r in rows] == [
        ("Bảo L.", Decimal(5)),
        ("Châu P.", Decimal(3)),
    ]
    client.force_login(other.user)
    client.post("/volunteers/settings/", {"leaderboard_opt_out": "on"})
    assert [r.name for r in leaderboard("01")] == ["Châu P."]
    page = client.get("/volunteers/leaderboard/?province=01").content.decode()
    assert "Châu P." in page
    assert "Bảo L." not in page


def test_minors_never_appear_on_the_leaderboard(coordinator):
    minor = make_volunteer(
        coordinator,
        trained=True,
        skills=["events"],
        date_of_birth=birth_date(16),
        guardian_name="Mẹ",
        guardian_relationship="Mẹ",
        guardian_email="me3@example.vn",
    )
    give_hours(coordinator, minor, "9")
    assert leaderboard("01") == []


def test_the_history_shows_what_the_volunteer_did(client, coordinator, helper):
    give_hours(coordinator, helper, "2", "Dịch tài liệu")
    client.force_login(helper.user)
    html = client.get("/volunteers/history/").content.decode()
    assert "Dịch tài liệu" in html
    assert "Joined" in html or "Tham gia" in html


def test_inactive_volunteers_get_one_reminder_per_period(
    coordinator, helper, volunteer, immediate_tasks, django_capture_on_commit_callbacks
):
    long_ago = timezone.now() - dt.timedelta(days=90)
    Volunteer.objects.filter(pk=helper.pk).update(last_active_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_inactivity_reminders(days=60) == 1
    assert mail.outbox[-1].to == [helper.user.email]
    assert send_inactivity_reminders(days=60) == 0


def test_suspended_volunteers_get_no_reminder(coordinator, helper):
    from copnet.volunteers.services.membership import do_suspend

    Volunteer.objects.filter(pk=helper.pk).update(
        last_active_at=timezone.now() - dt.timedelta(days=90)
    )
    do_suspend(volunteer=helper, actor=coordinator, reason="x")
    assert send_inactivity_reminders(days=60) == 0


def test_the_reminder_task_is_scheduled():
    from copnet.core.schedule import schedule

    names = [entry.name for entry in schedule()]
    assert "volunteer reminders" in names
    assert "volunteer report feedback" in names
