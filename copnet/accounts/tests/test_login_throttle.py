"""Sign-in throttling: per address across accounts (password spraying) and per account across
addresses, with the real client behind our proxy; no attempt is stored in the database."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt, AccessLog
from django.test import Client

from copnet.accounts.tests.factories import PASSWORD, make_user
from copnet.audit.models import AuditEvent
from copnet.core.testing import vi

pytestmark = pytest.mark.django_db


@pytest.fixture
def throttle(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    settings.AXES_FAILURE_LIMIT = 3
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 4
    return settings


WRONG = "wrong password"


def login(username: str, password: str = WRONG, *, ip: str = "198.51.100.1") -> Any:
    return Client().post(
        "/accounts/login/",
        {"username": username, "password": password},
        HTTP_X_FORWARDED_FOR=ip,
    )


def test_spraying_many_accounts_from_one_address_is_stopped(throttle, alice, bob):
    codes = [login(f"nobody{n}@a.example").status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = login(alice.email, PASSWORD)  # even the right password, from that address
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 15 * 60
    assert login(bob.email, PASSWORD, ip="198.51.100.2").status_code == 302  # another client


def test_one_account_is_locked_whatever_the_addresses(throttle, alice):
    codes = [login(alice.email, ip=f"198.51.100.{n}").status_code for n in range(3)]
    assert codes == [200, 200, 429]
    assert login(alice.email, PASSWORD, ip="198.51.100.50").status_code == 429


def test_the_account_is_compared_without_case(throttle, alice):
    for variant in ("Alice@a.example", "ALICE@A.EXAMPLE", " alice@a.example"):
        login(variant, ip="198.51.100.7")
    assert login(alice.email, PASSWORD, ip="198.51.100.8").status_code == 429


def test_signing_in_to_ones_own_account_does_not_reset_the_address(throttle, alice, org_a):
    mallory = make_user(email="mallory@a.example", organisation=org_a)
    for n in range(3):
        login(f"victim{n}@a.example", ip="198.51.100.9")
    assert login(mallory.email, PASSWORD, ip="198.51.100.9").status_code == 302
    assert login(alice.email, ip="198.51.100.9").status_code == 429  # 4th failure: locked


def test_a_successful_sign_in_clears_the_accounts_own_failures(throttle, alice):
    for n in range(2):
        login(alice.email, ip=f"198.51.100.{20 + n}")
    assert login(alice.email, PASSWORD, ip="198.51.100.30").status_code == 302
    assert login(alice.email, ip="198.51.100.31").status_code == 200  # counting starts again


def test_a_forged_forwarded_address_does_not_escape_the_address_limit(throttle, alice):
    throttle.TRUSTED_PROXIES = ["10.0.0.0/8"]  # the test client (127.0.0.1) is not our proxy
    codes = [login(f"x{n}@a.example", ip=f"203.0.113.{n}").status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]


def test_the_lock_is_audited_once_and_no_attempt_is_stored(throttle, alice):
    for n in range(5):
        login(alice.email, ip=f"198.51.100.{40 + n}")
    locks = AuditEvent.objects.filter(action="denied", target_type="accounts.user")
    assert [e.changes for e in locks] == [{"email": alice.email}]
    assert not AccessAttempt.objects.exists()
    assert not AccessLog.objects.exists()


def test_the_lock_out_page_is_translated(throttle, alice):
    for n in range(3):
        login(alice.email, ip=f"198.51.100.{60 + n}")
    response = Client().post(
        "/accounts/login/",
        {"username": alice.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.70",
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 429
    assert vi("Too many failed logins") in response.content.decode()
