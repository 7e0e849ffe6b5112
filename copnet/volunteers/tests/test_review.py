"""Vetting: a coordinator or the province's team lead accepts, rejects or asks for more."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from copnet.accounts.choices import Role
from copnet.accounts.models import User
from copnet.audit.models import AuditEvent
from copnet.core.workflow import INVALID_TRANSITION, TransitionError
from copnet.volunteers.models import Application, Volunteer
from copnet.volunteers.services import applications

from .factories import make_application, make_volunteer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def test_accepting_creates_a_volunteer_account_and_mails_a_password_link(
    client, coordinator, django_capture_on_commit_callbacks, immediate_tasks
):
    application = make_application(email="an@example.vn", province="48")
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/volunteers/manage/applications/{application.pk}/", {"decision": "accept"}
        )
    assert response.status_code == 302
    user = User.objects.get(email="an@example.vn")
    assert user.role == Role.VOLUNTEER
    assert user.organisation.code == "BCTTN"
    assert not user.has_usable_password()
    volunteer = Volunteer.objects.get(user=user)
    assert (volunteer.level, volunteer.province, volunteer.status) == ("new", "48", "active")
    link = re.search(r"/volunteers/welcome/[^\s]+/", mail.outbox[-1].body).group(0)
    client.logout()
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(
        set_url,
        {"new_password1": "Mật khẩu rất dài 2026!", "new_password2": "Mật khẩu rất dài 2026!"},
    )
    assert done.status_code == 302
    login = client.post(
        "/accounts/login/", {"username": "an@example.vn", "password": "Mật khẩu rất dài 2026!"}
    )
    assert login.status_code == 302
    assert client.get("/volunteers/").status_code == 200


def test_rejecting_needs_a_reason_and_creates_no_account(client, coordinator):
    application = make_application(email="no@example.vn")
    client.force_login(coordinator)
    response = client.post(
        f"/volunteers/manage/applications/{application.pk}/", {"decision": "reject"}
    )
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == "pending"
    client.post(
        f"/volunteers/manage/applications/{application.pk}/",
        {"decision": "reject", "reason": "Chưa đủ thông tin xác minh."},
    )
    application.refresh_from_db()
    assert application.status == "rejected"
    assert application.reviewed_by == coordinator
    assert not User.objects.filter(email="no@example.vn").exists()


def test_asking_for_more_information_lets_the_applicant_answer(
    client, coordinator, django_capture_on_commit_callbacks, immediate_tasks
):
    application = make_application(email="more@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        applications.do_review_application(
            application=application,
            decision="more_info",
            reason="Bạn dạy ở trường nào?",
            actor=coordinator,
        )
    message = next(m for m in mail.outbox if m.to == ["more@example.vn"])
    assert "Bạn dạy ở trường nào?" in message.body
    path = re.search(r"/volunteers/apply/reply/[^\s/]+/", message.body).group(0)
    assert "Bạn dạy ở trường nào?" in client.get(path).content.decode()
    client.post(path, {"reply": "Trường THCS Lê Lợi"})
    application.refresh_from_db()
    assert application.status == "pending"
    assert application.applicant_reply == "Trường THCS Lê Lợi"
    assert client.get(path).status_code == 404


def test_a_decided_application_cannot_be_decided_again(coordinator):
    application = make_application()
    applications.do_review_application(
        application=application, decision="reject", reason="Không phù hợp", actor=coordinator
    )
    with pytest.raises(TransitionError) as error:
        applications.do_review_application(
            application=application, decision="accept", reason="", actor=coordinator
        )
    assert error.value.code == INVALID_TRANSITION
    assert Volunteer.objects.count() == 0


def test_a_team_lead_reviews_only_their_own_province(client, coordinator):
    lead = make_volunteer(coordinator, level="team_lead", province="01", email="lead@example.vn")
    own = make_application(province="01")
    other = make_application(province="79")
    client.force_login(lead.user)
    listing = client.get("/volunteers/manage/applications/").content.decode()
    assert own.full_name in listing
    assert other.full_name not in listing
    assert client.get(f"/volunteers/manage/applications/{other.pk}/").status_code == 404
    with pytest.raises(Exception):  # noqa: B017, PT011 - PermissionDenied, audited
        applications.do_review_application(
            application=other, decision="accept", reason="", actor=lead.user
        )
    assert AuditEvent.objects.filter(action="denied", target_id=str(other.pk)).exists()
    response = client.post(f"/volunteers/manage/applications/{own.pk}/", {"decision": "accept"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == "accepted"


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ANALYST, Role.OBSERVER])
def test_other_staff_cannot_review_applications(client, org_a, role):
    from copnet.accounts.tests.factories import make_user

    application = make_application()
    client.force_login(make_user(email=f"{role}@a.example", organisation=org_a, role=role))
    assert client.get("/volunteers/manage/applications/").status_code == 403
    response = client.post(
        f"/volunteers/manage/applications/{application.pk}/", {"decision": "accept"}
    )
    assert response.status_code == 403
    assert Application.objects.get().status == "pending"


def test_a_plain_volunteer_cannot_review(client, volunteer):
    application = make_application()
    client.force_login(volunteer.user)
    assert client.get(f"/volunteers/manage/applications/{application.pk}/").status_code == 403
