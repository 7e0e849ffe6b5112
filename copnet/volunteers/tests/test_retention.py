"""Applications and departed volunteers keep their personal data only for the retention period."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from copnet.audit.models import AuditEvent
from copnet.core.testing import vi
from copnet.volunteers.models import Application, GuardianConsent, Volunteer
from copnet.volunteers.retention import pseudonymise_departed_volunteers, purge_applications
from copnet.volunteers.services import applications, membership

from .factories import birth_date, make_application, make_volunteer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]
NOW = timezone.now()


def later(settings) -> dt.datetime:
    return NOW + dt.timedelta(days=settings.APPLICATION_RETENTION_DAYS + 1)


def refuse(application, coordinator, reason="Chưa đủ kinh nghiệm, gọi 0912345678"):
    return applications.do_review_application(
        application=application, decision="reject", reason=reason, actor=coordinator
    )


def test_a_refused_application_keeps_only_what_the_counts_need(settings, coordinator):
    minor = make_application(
        full_name="Lê Thị Hoa",
        email="hoa@example.vn",
        phone="0987654321",
        date_of_birth=birth_date(16),
        organisation_name="THCS Ba Đình",
        guardian_name="Lê Văn Bố",
        guardian_relationship="Bố",
        guardian_email="bo.hoa@example.vn",
    )
    refuse(minor, coordinator)
    recent = refuse(make_application(email="moi@example.vn"), coordinator)
    Application.objects.filter(pk=recent.pk).update(reviewed_at=later(settings))

    assert purge_applications(now=later(settings)) == 1

    minor = Application.objects.get(pk=minor.pk)
    assert minor.purged_at is not None
    personal = [minor.full_name, minor.email, minor.email_key, minor.phone, minor.motivation]
    personal += [minor.organisation_name, minor.decision_reason, minor.date_of_birth]
    assert personal == ["", "", "", "", "", "", "", None]
    assert (minor.province, minor.status, minor.hours_per_month) == ("01", "rejected", 8)
    assert not GuardianConsent.objects.filter(application=minor).exists()
    decision = AuditEvent.objects.get(target_id=str(minor.pk), action="transition")
    assert (decision.reason, decision.note) == ("application reviewed", "")
    assert Application.objects.get(pk=recent.pk).email == "moi@example.vn"
    assert purge_applications(now=later(settings)) == 0


def test_open_applications_are_never_purged(settings):
    waiting = make_application()
    assert purge_applications(now=later(settings) + dt.timedelta(days=3650)) == 0
    assert Application.objects.get(pk=waiting.pk).full_name == waiting.full_name


def test_after_the_purge_the_same_address_may_apply_again(settings, coordinator):
    refuse(make_application(email="lai@example.vn"), coordinator)
    purge_applications(now=later(settings))
    again = make_application(email="lai@example.vn")
    assert again.email == "lai@example.vn"


def test_a_volunteer_who_left_is_pseudonymised_and_keeps_the_history(settings, coordinator):
    volunteer = make_volunteer(
        coordinator, trained=True, email="roi.di@example.vn", full_name="Trần Văn Đi"
    )
    membership.do_offboard(volunteer=volunteer, actor=coordinator, reason="Chuyển vào Nam")
    staying = make_volunteer(coordinator, email="o.lai@example.vn")

    assert pseudonymise_departed_volunteers(now=later(settings)) == 1
    assert purge_applications(now=later(settings)) == 1

    volunteer = Volunteer.objects.select_related("user", "application").get(pk=volunteer.pk)
    label = f"former-volunteer-{volunteer.pk}@volunteers.invalid"
    user = volunteer.user
    assert (user.email, user.full_name, user.is_active) == (label, "", False)
    assert not user.has_usable_password()
    assert (volunteer.date_of_birth, volunteer.status_reason) == (None, "")
    assert volunteer.application.email == ""
    own_rows = AuditEvent.objects.filter(actor=user)
    assert own_rows.exists()  # the training they ticked
    assert set(own_rows.values_list("actor_label", flat=True)) == {label}
    status_change = AuditEvent.objects.get(
        target_type="volunteers.volunteer", target_id=str(volunteer.pk), action="transition"
    )
    assert (status_change.reason, status_change.note) == ("volunteer status changed", "")
    assert Volunteer.objects.get(pk=staying.pk).user.email == "o.lai@example.vn"
    assert pseudonymise_departed_volunteers(now=later(settings)) == 0


def test_a_purged_application_still_opens_and_says_so(client, settings, coordinator):
    application = refuse(make_application(full_name="Đỗ Văn Hùng"), coordinator)
    purge_applications(now=later(settings))
    client.force_login(coordinator)
    html = client.get(f"/volunteers/manage/applications/{application.pk}/").content.decode()
    assert vi("Personal data of this application was purged.") in html
    assert "Đỗ Văn Hùng" not in html
