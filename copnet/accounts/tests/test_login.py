from __future__ import annotations

import pytest
from django.test import override_settings

from copnet.accounts.choices import Role
from copnet.accounts.tests.factories import PASSWORD, make_user
from copnet.audit.models import AuditEvent
from copnet.core.testing import vi


@pytest.mark.django_db
def test_login_with_email_and_password_opens_the_staff_area(client, org_a):
    teacher = make_user(email="teacher@a.example", organisation=org_a, role=Role.TEACHER)
    response = client.post(
        "/accounts/login/", {"username": "TEACHER@a.example", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    event = AuditEvent.objects.get(action="login")
    assert event.actor == teacher
    assert event.actor_org == "ORGA"
    assert event.changes == {"second_step": False}


@pytest.mark.django_db
def test_login_of_an_officer_goes_on_to_the_second_step(client, alice):
    response = client.post(
        "/accounts/login/", {"username": "ALICE@a.example", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/security/authenticator/?next=%2Fstaff%2F"
    event = AuditEvent.objects.get(action="login")
    assert event.actor == alice
    assert event.changes == {"second_step": True}


@pytest.mark.django_db
def test_wrong_password_gives_a_translated_error_and_is_audited(client, alice):
    response = client.post(
        "/accounts/login/",
        {"username": alice.email, "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    assert (
        vi("The e-mail or password is wrong. Both are case-sensitive.") in response.content.decode()
    )
    assert AuditEvent.objects.filter(action="login_failed").count() == 1
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_malformed_email_gets_a_translated_error(client):
    response = client.post(
        "/accounts/login/", {"username": "<script>x", "password": "x"}, HTTP_ACCEPT_LANGUAGE="vi"
    )
    html = response.content.decode()
    assert vi("Enter a valid email address.") in html
    assert "<script>x" not in html


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_account_out(client, alice):
    for _ in range(3):
        client.post("/accounts/login/", {"username": alice.email, "password": "wrong"})
    response = client.post(
        "/accounts/login/",
        {"username": alice.email, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_passwords_are_stored_with_argon2(settings, org_a):
    from copnet import settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    user = make_user(email="argon@a.example", organisation=org_a)
    assert user.password.startswith("argon2$")
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_logout_is_audited_and_ends_the_session(client, alice):
    client.force_login(alice)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor=alice).exists()
    assert client.get("/staff/").status_code == 302
