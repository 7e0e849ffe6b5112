"""A suspended or off-boarded volunteer loses access at once: session and keys."""

from __future__ import annotations

import pytest

from copnet.audit.models import AuditEvent
from copnet.volunteers.models import Assignment, Volunteer, VolunteerKey
from copnet.volunteers.services import membership, work

from .factories import make_task

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def key(volunteer):
    _key, raw = membership.do_create_key(
        volunteer=volunteer, name="Điện thoại", actor=volunteer.user
    )
    return raw


def test_a_suspended_volunteer_s_open_session_stops_working_at_once(client, volunteer, coordinator):
    client.force_login(volunteer.user)
    assert client.get("/volunteers/").status_code == 200
    membership.do_suspend(volunteer=volunteer, actor=coordinator, reason="Vi phạm quy tắc")
    response = client.get("/volunteers/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    refused = AuditEvent.objects.filter(action="denied", target_type="accounts.user")
    assert refused.get().reason == "session of a deactivated account refused"
    # The session is gone for good: reinstating does not bring it back.
    membership.do_reinstate(volunteer=volunteer, actor=coordinator, reason="Đã xác minh lại")
    assert client.get("/volunteers/").status_code == 302


def test_a_suspended_volunteer_s_api_key_stops_working_at_once(client, volunteer, coordinator, key):
    assert client.get("/api/v1/volunteers/me", **bearer(key)).status_code == 200
    membership.do_suspend(volunteer=volunteer, actor=coordinator, reason="Tạm dừng")
    assert client.get("/api/v1/volunteers/me", **bearer(key)).status_code == 401
    assert AuditEvent.objects.filter(
        action="denied", target_type="volunteers.volunteerkey"
    ).exists()
    membership.do_reinstate(volunteer=volunteer, actor=coordinator, reason="Tiếp tục")
    assert client.get("/api/v1/volunteers/me", **bearer(key)).status_code == 200


def test_a_suspended_volunteer_cannot_act_through_the_api(client, volunteer, coordinator, key):
    task = make_task(coordinator)
    membership.do_suspend(volunteer=volunteer, actor=coordinator, reason="Tạm dừng")
    response = client.post(f"/api/v1/volunteers/tasks/{task.pk}/accept", **bearer(key))
    assert response.status_code == 401
    assert Assignment.objects.count() == 0


def test_off_boarding_removes_access_and_keeps_the_record(client, volunteer, coordinator, key):
    task = make_task(coordinator)
    assignment = work.do_accept_task(task=task, volunteer=volunteer, actor=volunteer.user)
    client.force_login(volunteer.user)
    assert client.get("/volunteers/").status_code == 200
    membership.do_offboard(volunteer=volunteer, actor=coordinator, reason="Chuyển công tác")
    assert client.get("/volunteers/").status_code == 302
    assert client.get("/api/v1/volunteers/me", **bearer(key)).status_code == 401
    volunteer.refresh_from_db()
    assert volunteer.status == "offboarded"
    assert not volunteer.user.is_active
    assert VolunteerKey.objects.get().revoked_at is not None
    assignment.refresh_from_db()
    assert assignment.status == "withdrawn"
    assert Volunteer.objects.filter(pk=volunteer.pk).exists()
    # Off-boarded is final; reinstating is refused.
    with pytest.raises(Exception):  # noqa: B017, PT011 - VolunteerError
        membership.do_reinstate(volunteer=volunteer, actor=coordinator, reason="x")


def test_a_volunteer_can_leave_on_their_own(client, volunteer):
    client.force_login(volunteer.user)
    response = client.post("/volunteers/settings/leave/", {"confirm": "on", "reason": "Bận học"})
    assert response.status_code == 200
    volunteer.refresh_from_db()
    assert volunteer.status == "offboarded"
    assert client.get("/volunteers/").status_code == 302


def test_leaving_needs_the_confirmation_box(client, volunteer):
    client.force_login(volunteer.user)
    client.post("/volunteers/settings/leave/", {"reason": "x"})
    volunteer.refresh_from_db()
    assert volunteer.status == "active"


def test_a_revoked_key_is_refused(client, volunteer, key):
    membership.do_revoke_key(key=VolunteerKey.objects.get(), actor=volunteer.user)
    assert client.get("/api/v1/volunteers/me", **bearer(key)).status_code == 401


def test_only_coordinators_suspend(client, volunteer, alice):
    client.force_login(alice)
    response = client.post(
        f"/volunteers/manage/volunteers/{volunteer.pk}/", {"action": "suspend", "reason": "x"}
    )
    assert response.status_code == 403
    volunteer.refresh_from_db()
    assert volunteer.status == "active"


def test_the_coordinator_suspends_from_the_volunteer_page(client, volunteer, coordinator):
    client.force_login(coordinator)
    response = client.post(
        f"/volunteers/manage/volunteers/{volunteer.pk}/",
        {"action": "suspend", "reason": "Báo cáo sai nhiều lần"},
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.status == "suspended"
    assert volunteer.status_reason == "Báo cáo sai nhiều lần"
