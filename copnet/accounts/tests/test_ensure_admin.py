from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from copnet.accounts.models import User


def run(monkeypatch, **env: str) -> str:
    for name in ("COPNET_ADMIN_EMAIL", "COPNET_ADMIN_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_first_run_creates_an_admin_with_a_random_password_printed_once(
    monkeypatch, reference_data
):
    output = run(monkeypatch)
    admin = User.objects.get(is_superuser=True)
    password = output.split("password:")[1].split()[0]
    assert admin.check_password(password)
    assert admin.organisation.code == "VNCERT"
    assert len(password) >= 12

    second = run(monkeypatch)
    admin.refresh_from_db()
    assert "password:" not in second
    assert admin.check_password(password)
    assert User.objects.filter(is_superuser=True).count() == 1


@pytest.mark.django_db
def test_credentials_can_come_from_the_environment(monkeypatch, reference_data):
    secret = "a long chosen secret 1234"
    output = run(monkeypatch, COPNET_ADMIN_EMAIL="Boss@Example.org", COPNET_ADMIN_PASSWORD=secret)
    admin = User.objects.get(is_superuser=True)
    assert admin.email == "boss@example.org"
    assert admin.check_password(secret)
    assert secret not in output


@pytest.mark.django_db
def test_two_random_admin_passwords_differ(monkeypatch, reference_data):
    first = run(monkeypatch).split("password:")[1].split()[0]
    User.objects.all().delete()
    second = run(monkeypatch).split("password:")[1].split()[0]
    assert first != second
