"""Referrals in: a CyberTipline XML report becomes a triaged case whose files match the
banks; personal details are encrypted and for police roles only; duplicates and bad files
are refused with nothing imported."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from copnet.accounts.permissions import visible_to
from copnet.banks.models import DetectionHit
from copnet.banks.tests.factories import add_hash, make_bank
from copnet.cases.models import Case
from copnet.exchanges.errors import (
    ExchangeError,
    ExchangeErrorCode,
    ReferralDuplicate,
    ReferralInvalid,
)
from copnet.exchanges.models import Referral
from copnet.exchanges.referrals import do_import_referral
from copnet.reports.models import Report

pytestmark = pytest.mark.django_db
GOOD = (Path(__file__).parent / "data" / "cybertip_ok.xml").read_bytes()


@pytest.fixture
def officer(reference_data):
    from copnet.accounts.choices import Role
    from copnet.accounts.tests.factories import make_user
    from copnet.network.models import Organisation

    return make_user(
        email="officer@a05.example",
        role=Role.OFFICER,
        organisation=Organisation.objects.get(code="A05"),
    )


def test_referral_becomes_a_triaged_case_with_bank_matches(officer, coordinator):
    from copnet.cases.services import triage_case

    entry = add_hash(make_bank("known"), "0123456789abcdef0123456789abcdef", "md5")

    referral = do_import_referral(body=GOOD, actor=officer, enqueue_triage=False)
    case = triage_case(referral.case_id)

    assert referral.external_id == "150000123"
    assert referral.incident_type.startswith("Child Pornography")
    assert referral.reporting_service == "Example Social"
    assert referral.classification == "csam_prepubescent_penetrative"
    assert referral.annotations == ["sextortion"]
    assert referral.files[0]["matched"] == [entry.pk]
    assert referral.files[1]["matched"] == []
    assert case is not None
    assert case.category.code == "csam"
    assert case.status != "new"
    hits = list(DetectionHit.objects.filter(case_id=referral.case_id, kind="hash"))
    assert [hit.bank_entry_id for hit in hits] == [entry.pk]
    people = Referral.objects.get().people
    assert people["account"]["screenName"] == "kid_collector_99"
    assert {e["ip"] for e in people["ip_events"]} == {"203.0.113.7", "2001:db8::5"}
    assert people["devices"] == ["android-3f9a"]
    assert "IMG_0001.jpg" in people["file_names"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT people FROM exchanges_referral")
        assert "203.0.113.7" not in cursor.fetchone()[0]


def test_same_file_again_is_refused_as_duplicate(officer):
    do_import_referral(body=GOOD, actor=officer, enqueue_triage=False)
    with pytest.raises(ReferralDuplicate) as refused:
        do_import_referral(body=GOOD, actor=officer, enqueue_triage=False)
    assert refused.value.code == ExchangeErrorCode.REFERRAL_DUPLICATE
    assert refused.value.status == 409
    assert Referral.objects.count() == 1
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        (("203.0.113.7", "203.0.113.777"), 17, "IP address"),
        (("ffffffffffffffffffffffffffffffff", "fff"), 37, "md5"),
        (
            (
                "<incidentType>Child Pornography (possession, manufacture, and distribution)"
                "</incidentType>",
                "",
            ),
            3,
            "incidentType",
        ),
        (("</files>", ""), 41, "well-formed"),
        (('reportId="150000123"', 'reportId="abc"'), 2, "reportId"),
        (("2026-11-01T22:00:00Z", "yesterday"), 19, "date"),
    ],
)
def test_bad_file_gives_the_line_and_imports_nothing(officer, change, line, words):
    body = GOOD.replace(change[0].encode(), change[1].encode())
    with pytest.raises(ReferralInvalid) as refused:
        do_import_referral(body=body, actor=officer, enqueue_triage=False)
    first_line, message = refused.value.errors[0]
    assert first_line == line, refused.value.errors
    assert words in message
    assert f"line {line}:" in str(refused.value.message)
    assert refused.value.code == ExchangeErrorCode.REFERRAL_INVALID
    assert not Referral.objects.exists()
    assert not Report.objects.exists()
    assert not Case.objects.exists()


def test_entities_are_refused(officer):
    body = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]>\n<cyberTiplineReport/>'
    with pytest.raises(ReferralInvalid):
        do_import_referral(body=body, actor=officer)


def test_people_are_for_police_roles_only(officer, alice, bob, coordinator):
    referral = do_import_referral(body=GOOD, actor=officer, enqueue_triage=False)
    Case.objects.filter(pk=referral.case_id).update(lead_org=officer.organisation)
    assert list(visible_to(officer, Referral.objects.all())) == [referral]
    assert list(visible_to(coordinator, Referral.objects.all())) == [referral]
    assert not visible_to(alice, Referral.objects.all()).exists()  # an officer elsewhere
    assert not visible_to(bob, Referral.objects.all()).exists()  # an analyst
    with pytest.raises(ExchangeError) as forbidden:
        do_import_referral(body=GOOD.replace(b"150000123", b"150000124"), actor=bob)
    assert (forbidden.value.code, forbidden.value.status) == (ExchangeErrorCode.FORBIDDEN, 403)


def test_import_page_lists_faults_by_line(client, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(officer)
    bad = GOOD.replace(b"203.0.113.7", b"not-an-ip")
    page = client.post(
        "/staff/exchanges/referrals/import/",
        {"file": SimpleUploadedFile("r.xml", bad, "application/xml")},
    ).content.decode()
    assert "dòng 17:" in page  # the staff page speaks Vietnamese
    assert not Referral.objects.exists()
    answer = client.post(
        "/staff/exchanges/referrals/import/",
        {"file": SimpleUploadedFile("r.xml", GOOD, "application/xml")},
    )
    assert answer.status_code == 302
    assert Referral.objects.count() == 1
