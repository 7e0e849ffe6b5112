"""The public application at /volunteers/apply/, and what it refuses."""

from __future__ import annotations

import pytest

from copnet.audit.models import AuditEvent
from copnet.volunteers.models import Application, GuardianConsent

from .factories import birth_date, make_application

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def form_data(**fields):
    data = {
        "full_name": "Trần Thị Bình",
        "email": "binh@example.vn",
        "phone": "0912345678",
        "date_of_birth": birth_date(30).isoformat(),
        "province": "79",
        "background": "it",
        "organisation_name": "Công ty ABC",
        "skills": ["verify_urls", "translation"],
        "availability": ["evenings", "weekends"],
        "hours_per_month": "10",
        "motivation": "Tôi làm an ninh mạng và muốn giúp trẻ em.",
        "consent_vetting": "on",
        "consent_code": "on",
    }
    data.update(fields)
    return data


def test_an_adult_applies_and_the_application_waits_for_review(client):
    response = client.post("/volunteers/apply/", form_data())
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.status == "pending"
    assert application.full_name == "Trần Thị Bình"
    assert application.skills == ["translation", "verify_urls"]
    assert not GuardianConsent.objects.exists()
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'id="application-received"' in page.content.decode()


def test_personal_answers_are_encrypted_at_rest(client):
    from django.db import connection

    client.post("/volunteers/apply/", form_data())
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name, motivation FROM volunteers_application")
        raw_name, raw_motivation = cursor.fetchone()
    assert "Bình" not in raw_name
    assert "an ninh" not in raw_motivation


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("consent_code", ""),
        ("consent_vetting", ""),
        ("province", "99"),
        ("skills", ["hacking"]),
        ("hours_per_month", "5000"),
        ("hours_per_month", "ba"),
        ("date_of_birth", "2999-01-01"),
        ("date_of_birth", "not a date"),
        ("email", "not-an-email"),
        ("motivation", "x" * 3001),
        ("availability", []),
    ],
)
def test_bad_input_is_refused_with_a_message_and_saves_nothing(client, field, value):
    response = client.post("/volunteers/apply/", form_data(**{field: value}))
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode() or "errors" in response.content.decode()
    assert Application.objects.count() == 0


def test_applicants_below_the_minimum_age_are_refused(client, settings):
    response = client.post(
        "/volunteers/apply/", form_data(date_of_birth=birth_date(12).isoformat())
    )
    assert response.status_code == 200
    assert str(settings.VOLUNTEER_MIN_AGE) in response.content.decode()
    assert Application.objects.count() == 0


def test_broken_unicode_and_control_characters_are_cleaned(client):
    client.post(
        "/volunteers/apply/",
        form_data(full_name="Tra\u0300n\u200b Thi\u0323", motivation="Giu\u0301p\u0007 trẻ"),
    )
    application = Application.objects.get()
    assert application.full_name == "Tràn Thị"
    assert application.motivation == "Giúp trẻ"


def test_a_null_character_is_refused(client):
    response = client.post("/volunteers/apply/", form_data(full_name="An\u0000"))
    assert response.status_code == 200
    assert Application.objects.count() == 0


def test_html_in_an_application_is_shown_as_text_to_the_reviewer(client, coordinator):
    client.post("/volunteers/apply/", form_data(motivation="<script>alert(1)</script>"))
    client.force_login(coordinator)
    html = client.get(f"/volunteers/manage/applications/{Application.objects.get().pk}/")
    assert b"<script>alert(1)</script>" not in html.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in html.content


def test_a_duplicate_application_is_refused_and_audited(client):
    assert client.post("/volunteers/apply/", form_data()).status_code == 302
    before = Application.objects.get()
    response = client.post("/volunteers/apply/", form_data(full_name="Someone else"))
    assert response.status_code == 200
    assert Application.objects.count() == 1
    assert Application.objects.get().full_name == before.full_name
    denied = AuditEvent.objects.filter(action="denied", target_type="volunteers.application")
    assert denied.count() == 1
    assert denied.get().reason == "duplicate volunteer application"


def test_the_same_address_in_other_case_is_also_a_duplicate(client):
    client.post("/volunteers/apply/", form_data())
    client.post("/volunteers/apply/", form_data(email="BINH@Example.VN"))
    assert Application.objects.count() == 1


def test_an_existing_account_cannot_apply_again(client, alice):
    client.post("/volunteers/apply/", form_data(email=alice.email))
    assert Application.objects.count() == 0


def test_the_database_refuses_a_second_open_application_for_one_address():
    from django.db import IntegrityError, transaction

    first = make_application(email="twice@example.vn")
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(
            full_name="x",
            email="twice@example.vn",
            date_of_birth=first.date_of_birth,
            province="01",
            background="other",
            hours_per_month=1,
            motivation="x",
        )


def test_applying_is_rate_limited(client):
    for n in range(5):
        client.post("/volunteers/apply/", form_data(email=f"n{n}@example.vn"))
    response = client.post("/volunteers/apply/", form_data(email="sixth@example.vn"))
    assert response.status_code == 429
    assert Application.objects.count() == 5
