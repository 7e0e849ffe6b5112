"""The second step at sign-in: a code from the app (once only, wrong codes slow down the next
try), or a recovery code (once only); clear translated errors and audit rows either way."""

from __future__ import annotations

import re

import pytest
from django_otp.oath import hotp

from copnet.accounts import second_factor
from copnet.accounts.choices import Role
from copnet.accounts.tests.factories import PASSWORD, make_authenticator, make_user
from copnet.audit.models import AuditEvent
from copnet.core.testing import fresh_totp, vi

pytestmark = [pytest.mark.django_db, pytest.mark.raw_second_factor]

STEP = "/accounts/second-step/"


@pytest.fixture
def enrolled(alice):
    return make_authenticator(alice)


def password_step(client, user, next_url=""):
    url = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": user.email, "password": PASSWORD})


def test_a_code_from_the_app_opens_the_page_asked_for(client, alice, enrolled):
    response = password_step(client, alice, next_url="/staff/cases/")
    assert response["Location"] == f"{STEP}?next=%2Fstaff%2Fcases%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200
    done = client.post(STEP, {"code": fresh_totp(enrolled), "next": "/staff/cases/"})
    assert done.status_code == 302
    assert done["Location"] == "/staff/cases/"
    assert client.get("/staff/").status_code == 200
    passed = AuditEvent.objects.get(action="second_factor_passed")
    assert (passed.actor, passed.changes) == (alice, {"kind": "totp"})


def test_a_wrong_code_is_refused_audited_and_keeps_everything_closed(client, alice, enrolled):
    password_step(client, alice)
    good = fresh_totp(enrolled)
    wrong = "000000" if good != "000000" else "111111"
    response = client.post(STEP, {"code": wrong}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    assert (
        vi(
            "This code is wrong. Type the code your app shows now; if it keeps failing, check that "
            "the phone's clock is set automatically."
        )
        in response.content.decode()
    )
    assert client.get("/staff/").status_code == 302
    failed = AuditEvent.objects.get(action="second_factor_failed")
    assert failed.changes == {"kind": "totp", "reason": "code_wrong", "step": "sign_in"}
    assert not AuditEvent.objects.filter(action="second_factor_passed").exists()


def test_the_next_try_after_a_wrong_code_must_wait(client, alice, enrolled, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a minute, so that a slow machine cannot outwait it
    password_step(client, alice)
    client.post(STEP, {"code": "000000" if fresh_totp(enrolled) != "000000" else "111111"})
    response = client.post(STEP, {"code": fresh_totp(enrolled)}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Too many wrong codes. Wait" in response.content.decode()
    assert client.get("/staff/").status_code == 302
    assert AuditEvent.objects.filter(
        action="second_factor_failed", changes__reason="code_wait"
    ).exists()


def test_a_code_that_was_already_used_is_refused_as_such(client, alice, enrolled):
    code = fresh_totp(enrolled)
    password_step(client, alice)
    assert client.post(STEP, {"code": code}).status_code == 302
    client.post("/accounts/logout/")
    password_step(client, alice)
    response = client.post(STEP, {"code": code}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    assert (
        vi(
            "This code was already used. Wait until your app shows a new code (every 30 seconds) "
            "and type that one."
        )
        in response.content.decode()
    )
    assert client.get("/staff/").status_code == 302
    assert AuditEvent.objects.filter(
        action="second_factor_failed", changes__reason="code_used"
    ).exists()


def test_an_older_code_than_the_last_accepted_one_is_refused(client, alice, enrolled):
    password_step(client, alice)
    client.post(STEP, {"code": fresh_totp(enrolled)})
    enrolled.refresh_from_db()
    earlier = f"{hotp(enrolled.bin_key, enrolled.last_t - 1, 6):06d}"
    client.post("/accounts/logout/")
    password_step(client, alice)
    response = client.post(STEP, {"code": earlier})
    assert response.status_code == 200
    assert client.get("/staff/").status_code == 302


def test_a_recovery_code_works_once(client, alice, enrolled):
    codes = second_factor.do_create_recovery_codes(user=alice, actor=alice)
    password_step(client, alice)
    response = client.post(STEP, {"code": codes[0].upper().replace("-", " ")})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200
    used = AuditEvent.objects.get(action="recovery_code_used")
    assert used.changes["left"] == 9
    assert codes[0].replace("-", "") not in str(used.changes)  # a keyed hash, not the code
    assert second_factor.recovery_codes_left(alice) == 9

    client.post("/accounts/logout/")
    password_step(client, alice)
    again = client.post(STEP, {"code": codes[0]}, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 200
    assert "This recovery code was already used" in again.content.decode()
    assert client.get("/staff/").status_code == 302
    assert AuditEvent.objects.filter(
        action="second_factor_failed", changes__reason="recovery_used"
    ).exists()


def test_new_recovery_codes_replace_the_old_ones(client, alice, enrolled, settings):
    settings.OTP_STATIC_THROTTLE_FACTOR = 0  # no wait between the two tries
    old = second_factor.do_create_recovery_codes(user=alice, actor=alice)
    new = second_factor.do_create_recovery_codes(user=alice, actor=alice)
    password_step(client, alice)
    response = client.post(STEP, {"code": old[3]}, HTTP_ACCEPT_LANGUAGE="vi")
    assert vi("This recovery code is wrong, or it was replaced by newer codes.") in (
        response.content.decode()
    )
    assert AuditEvent.objects.filter(
        action="second_factor_failed", changes__reason="recovery_wrong"
    ).exists()
    assert client.post(STEP, {"code": new[3]}).status_code == 302


@pytest.mark.parametrize(
    "code", ["", " ", "x" * 65, "<script>", "abc", "١٢٣٤٥٦", "12345-67890-abc", "\x00" * 6]
)
def test_malformed_codes_get_a_form_error_never_a_500(client, alice, enrolled, code):
    password_step(client, alice)
    response = client.post(STEP, {"code": code})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert client.get("/staff/").status_code == 302


def test_a_hostile_next_address_is_not_followed(client, alice, enrolled):
    password_step(client, alice)
    response = client.post(STEP, {"code": fresh_totp(enrolled), "next": "//evil.example/"})
    assert response["Location"] == "/staff/"


def test_someone_who_turned_it_on_is_asked_even_if_their_role_does_not_need_it(client, org_a):
    teacher = make_user(email="teacher@a.example", organisation=org_a, role=Role.TEACHER)
    device = make_authenticator(teacher)
    response = password_step(client, teacher)
    assert response["Location"] == f"{STEP}?next=%2Fstaff%2F"
    assert client.get("/staff/").status_code == 302
    client.post(STEP, {"code": fresh_totp(device)})
    assert client.get("/staff/").status_code == 200


def test_the_page_offers_a_way_out(client, alice, enrolled):
    password_step(client, alice)
    html = client.get(STEP, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'action="/accounts/logout/"', html)
    assert "Ask a Network coordinator to reset your second factor" in html
