"""Decree 147/2024's repeat-violator rule: an account named in reports of 5 cases within 30
days (or 10 within 90) carries a suspension recommendation on the case, on the account view and
in the next removal notice; permanently after 3 confirmed suspensions (issue 19 item 4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from copnet.audit.models import AuditEvent
from copnet.cases.triage_batch import triage_case
from copnet.core.testing import vi
from copnet.reports.models import Report
from copnet.reports.tests.factories import file_report
from copnet.takedowns.notices import notice_text
from copnet.takedowns.tests.factories import make_platform, make_request
from copnet.violators.choices import Recommendation
from copnet.violators.errors import ViolatorError, ViolatorErrorCode
from copnet.violators.models import AccountSighting, PlatformAccount
from copnet.violators.services import (
    case_standings,
    do_record_suspension,
    normalise_handle,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def report_naming(handle: str, n: int, *, days_ago: int = 0, platform: str = "Facebook"):
    report, _secret = file_report(
        urls=[f"https://www.facebook.com/post/{n}"],
        platform=platform,
        account_handles=handle,
        description=f"Bị bắt nạt lần {n}",
    )
    if days_ago:
        Report.objects.filter(pk=report.pk).update(
            created_at=timezone.now() - dt.timedelta(days=days_ago)
        )
    triage_case(report.case_id)
    return report.case


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("@Ten.Nguoi", "ten.nguoi"),
        ("  ten.nguoi ", "ten.nguoi"),
        ("https://www.facebook.com/Ten.Nguoi/", "ten.nguoi"),
        ("facebook.com/profile.php?id=1000123", "1000123"),
        ("Ｔｅｎ", "ten"),  # full-width letters
        ("", ""),
        ("x" * 101, ""),
    ],
)
def test_handles_are_normalised(raw, expected):
    assert normalise_handle(raw) == expected


def test_one_account_across_spellings_is_one_record_and_stored_encrypted():
    report_naming("@Ke.Xau", 1)
    report_naming("https://facebook.com/ke.xau", 2)
    report_naming("KE.XAU", 3)
    assert PlatformAccount.objects.count() == 1
    assert AccountSighting.objects.count() == 3
    with connection.cursor() as cursor:
        cursor.execute("SELECT handle, lookup FROM violators_platformaccount")
        stored, lookup = cursor.fetchone()
    assert "ke.xau" not in stored
    assert "ke.xau" not in lookup


def test_the_same_handle_on_another_platform_is_another_account():
    report_naming("ke.xau", 1, platform="Facebook")
    report_naming("ke.xau", 2, platform="TikTok")
    assert PlatformAccount.objects.count() == 2


def test_five_cases_in_30_days_bring_the_suspension_recommendation(client, coordinator):
    cases = [report_naming("ke.xau", n, days_ago=n * 5) for n in range(5)]
    assert len({c.pk for c in cases}) == 5
    (standing,) = case_standings(cases[0])
    assert (standing.cases_30, standing.recommendation) == (5, Recommendation.SUSPEND)

    client.force_login(coordinator)
    page = client.get(f"/staff/cases/{cases[0].reference}/", HTTP_ACCEPT_LANGUAGE="vi")
    assert 'data-recommendation="suspend"' in page.content.decode()
    removal = make_request(case=cases[0], platform=make_platform(), actor=coordinator)
    assert "ke.xau" in notice_text(removal)
    assert "Decree 147/2024" in notice_text(removal)


def test_four_cases_in_30_days_or_old_reports_bring_none():
    cases = [report_naming("ke.xau", n) for n in range(4)]
    cases.append(report_naming("ke.xau", 9, days_ago=45))
    (standing,) = case_standings(cases[0])
    assert (standing.cases_30, standing.cases_90) == (4, 5)
    assert standing.recommendation == Recommendation.NONE


def test_ten_cases_in_90_days_bring_the_recommendation():
    cases = [report_naming("ke.xau", n, days_ago=31 + n * 5) for n in range(10)]
    (standing,) = case_standings(cases[0])
    assert (standing.cases_30, standing.cases_90) == (0, 10)
    assert standing.recommendation == Recommendation.SUSPEND


def test_after_three_suspensions_the_recommendation_is_permanent(coordinator):
    cases = [report_naming("ke.xau", n) for n in range(5)]
    account = PlatformAccount.objects.get()
    for months in (9, 6, 3):
        start = timezone.localdate() - dt.timedelta(days=30 * months)
        do_record_suspension(account=account, starts_on=start, days=14, actor=coordinator)
    (standing,) = case_standings(cases[0])
    assert standing.recommendation == Recommendation.PERMANENT
    assert (
        AuditEvent.objects.filter(
            target_type="violators.platformaccount", reason="account suspension recorded"
        ).count()
        == 3
    )


@pytest.mark.parametrize(
    ("days", "start", "code"),
    [
        (0, 0, ViolatorErrorCode.INVALID_DAYS),
        (400, 0, ViolatorErrorCode.INVALID_DAYS),
        (7, -3, ViolatorErrorCode.FUTURE_DATE),
    ],
)
def test_bad_suspensions_are_refused(coordinator, days, start, code):
    report_naming("ke.xau", 1)
    account = PlatformAccount.objects.get()
    with pytest.raises(ViolatorError) as refused:
        do_record_suspension(
            account=account,
            starts_on=timezone.localdate() - dt.timedelta(days=start),
            days=days,
            actor=coordinator,
        )
    assert refused.value.code == code
    assert not account.suspensions.exists()


def test_the_account_view_is_scoped_and_audited(client, coordinator, charlie):
    report_naming("<script>alert(1)</script>", 1)
    account = PlatformAccount.objects.get()
    client.force_login(charlie)  # another organisation, not on the case
    assert client.get(f"/staff/accounts-reported/{account.pk}/").status_code == 404
    listing = client.get("/staff/accounts-reported/").content.decode()
    assert f'data-account="{account.pk}"' not in listing
    client.force_login(coordinator)
    page = client.get(f"/staff/accounts-reported/{account.pk}/", HTTP_ACCEPT_LANGUAGE="vi")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>alert(1)" not in html
    assert vi("Suspensions confirmed by the platform") in html
    assert AuditEvent.objects.filter(
        action="view", target_type="violators.platformaccount", target_id=str(account.pk)
    ).exists()


def test_a_bad_suspension_form_shows_a_translated_error(client, coordinator):
    report_naming("ke.xau", 1)
    account = PlatformAccount.objects.get()
    client.force_login(coordinator)
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    page = client.post(
        f"/staff/accounts-reported/{account.pk}/suspension/",
        {"starts_on": future, "days": "7"},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert page.status_code == 400
    assert vi("A suspension that has not started cannot be recorded yet.") in page.content.decode()
    assert not account.suspensions.exists()
