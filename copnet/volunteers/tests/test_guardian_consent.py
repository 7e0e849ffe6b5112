"""Applicants under 18: a guardian's consent, confirmed by the guardian, before acceptance."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from copnet.accounts.models import User
from copnet.audit.models import AuditEvent
from copnet.volunteers.errors import VolunteerError
from copnet.volunteers.models import Application, GuardianConsent
from copnet.volunteers.services import applications

from .factories import birth_date
from .test_application import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def minor_form(**fields):
    return form_data(
        email="em.hoc.sinh@example.vn",
        date_of_birth=birth_date(16).isoformat(),
        background="student",
        guardian_name="Trần Văn Cha",
        guardian_relationship="Bố",
        guardian_email="bo@example.vn",
        **fields,
    )


def consent_link() -> str:
    message = next(m for m in mail.outbox if m.to == ["bo@example.vn"])
    return re.search(r"http://[^\s]+/volunteers/guardian/[^\s/]+/", message.body).group(0)


def test_a_minor_must_name_a_guardian(client):
    data = minor_form()
    del data["guardian_email"]
    response = client.post("/volunteers/apply/", data)
    assert response.status_code == 200
    assert Application.objects.count() == 0


def test_a_minor_cannot_be_their_own_guardian(client):
    response = client.post(
        "/volunteers/apply/", minor_form() | {"guardian_email": "em.hoc.sinh@example.vn"}
    )
    assert response.status_code == 200
    assert Application.objects.count() == 0


def test_the_guardian_gets_a_link_and_confirms(
    client, django_capture_on_commit_callbacks, immediate_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/volunteers/apply/", minor_form()).status_code == 302
    link = consent_link()
    path = link.split("127.0.0.1:8000")[-1]
    page = client.get(path)
    assert page.status_code == 200
    response = client.post(path, {"guardian_name": "Trần Văn Cha", "agree": "on"})
    assert response.status_code == 200
    consent = GuardianConsent.objects.get()
    assert consent.confirmed_at is not None
    assert consent.confirmed_name == "Trần Văn Cha"
    # A used link does not work twice.
    assert client.get(path).status_code == 404


def test_forged_consent_fields_in_the_form_are_ignored_and_acceptance_refused(client, coordinator):
    forged = minor_form(
        guardian_consent="on",
        confirmed_at="2024-01-01T00:00",
        guardian_confirmed="1",
        status="accepted",
    )
    client.post("/volunteers/apply/", forged)
    application = Application.objects.get()
    assert application.status == "pending"
    assert application.guardian.confirmed_at is None
    with pytest.raises(VolunteerError) as error:
        applications.do_review_application(
            application=application, decision="accept", reason="", actor=coordinator
        )
    assert error.value.code == "guardian_consent_missing"
    application.refresh_from_db()
    assert application.status == "pending"
    assert not User.objects.filter(email="em.hoc.sinh@example.vn").exists()


def test_a_forged_consent_link_is_refused_and_audited(client):
    client.post("/volunteers/apply/", minor_form())
    response = client.post(
        "/volunteers/guardian/forged-token-0123456789/",
        {"guardian_name": "Kẻ giả mạo", "agree": "on"},
    )
    assert response.status_code == 404
    assert GuardianConsent.objects.get().confirmed_at is None
    assert AuditEvent.objects.filter(
        action="denied", target_type="volunteers.guardianconsent"
    ).exists()


def test_an_adult_applicant_s_guardian_fields_are_dropped(client):
    client.post(
        "/volunteers/apply/",
        form_data(guardian_name="X", guardian_relationship="Y", guardian_email="x@example.vn"),
    )
    assert Application.objects.count() == 1
    assert not GuardianConsent.objects.exists()


def test_a_minor_is_accepted_once_the_guardian_confirmed(client, coordinator):
    client.post("/volunteers/apply/", minor_form())
    application = Application.objects.get()
    consent = application.guardian
    consent.confirmed_at = consent.sent_at
    consent.save()
    applications.do_review_application(
        application=application, decision="accept", reason="", actor=coordinator
    )
    assert application.volunteer.is_minor
