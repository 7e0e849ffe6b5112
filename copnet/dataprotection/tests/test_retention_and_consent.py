"""Retention periods per category (reference data, settings as defaults) enforced by the purge,
which leaves a case under a legal hold alone; consents as PDPL Art. 24 requires them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from copnet.cases.models import Case
from copnet.cases.privacy import purge_all
from copnet.dataprotection.choices import ConsentGiver, ConsentPurpose, Ground, RequestKind
from copnet.dataprotection.consent import missing_consents
from copnet.dataprotection.models import ConsentRecord, RetentionRule
from copnet.dataprotection.register import retention_days
from copnet.dataprotection.services import (
    do_answer_request,
    do_record_consent,
    do_record_ground,
    do_release_ground,
    do_submit_request,
)
from copnet.reports.models import Report

from .factories import anonymous_report, make_dpo

pytestmark = pytest.mark.django_db


def _close(report: Report, days_ago: int) -> None:
    Case.objects.filter(pk=report.case_id).update(
        status="closed", closed_at=timezone.now() - dt.timedelta(days=days_ago)
    )


def test_settings_are_the_defaults_and_the_table_overrides_them(reference_data, settings):
    settings.PURGE_AFTER_DAYS = 365
    assert retention_days("report_content") == 365
    RetentionRule.objects.filter(code="report_content").update(days=30)
    assert retention_days("report_content") == 30


def test_the_purge_follows_the_table_and_spares_a_legal_hold(reference_data, evidence_dir):
    dpo = make_dpo()
    held, _s = anonymous_report()
    free, _s = anonymous_report(seed=4)
    for report in (held, free):
        _close(report, days_ago=40)
    RetentionRule.objects.filter(code="report_content").update(days=30)
    ground = do_record_ground(
        case=held.case, ground=Ground.LEGAL_HOLD, basis="Quyết định 12/2026/VKS", actor=dpo
    )
    summary = purge_all()
    assert summary["cases"] == 1
    held.refresh_from_db()
    free.refresh_from_db()
    assert free.description == ""
    assert free.purged_at is not None
    assert held.description.startswith("Con tôi")
    assert held.purged_at is None
    do_release_ground(ground=ground, actor=dpo)
    assert purge_all()["cases"] == 1
    held.refresh_from_db()
    assert held.description == ""


def test_a_shorter_period_for_the_reporters_identity(reference_data):
    report, _s = anonymous_report()
    _close(report, days_ago=100)
    RetentionRule.objects.filter(code="reporter_identity").update(days=90)
    summary = purge_all()
    assert summary["reporter_identity"] == 1
    assert summary["cases"] == 0
    report.refresh_from_db()
    assert (report.reporter_name, report.reporter_contact) == ("", "")
    assert report.description.startswith("Con tôi")


def test_article_24_needs_the_child_and_the_representative(reference_data):
    dpo = make_dpo()
    teen, _s = anonymous_report(child_age_band="12-15")
    toddler, _s = anonymous_report(seed=5, child_age_band="0-5")
    case = Case.objects.get(pk=teen.case_id)
    assert missing_consents(case, ConsentPurpose.DISCLOSE_CHILD) == {
        ConsentGiver.CHILD,
        ConsentGiver.REPRESENTATIVE,
    }
    do_record_consent(
        case=case, purpose=ConsentPurpose.DISCLOSE_CHILD, given_by=ConsentGiver.CHILD, actor=dpo
    )
    assert missing_consents(case, ConsentPurpose.DISCLOSE_CHILD) == {ConsentGiver.REPRESENTATIVE}
    small = Case.objects.get(pk=toddler.case_id)
    assert missing_consents(small, ConsentPurpose.DISCLOSE_CHILD) == {ConsentGiver.REPRESENTATIVE}


def test_a_withdrawal_stops_what_relied_on_consent(reference_data):
    dpo = make_dpo()
    report, secret = anonymous_report()
    consent = do_record_consent(
        case=report.case,
        report=report,
        purpose=ConsentPurpose.CONTACT_REPORTER,
        given_by=ConsentGiver.REPORTER,
        actor=dpo,
    )
    request = do_submit_request(
        tracking_code=report.tracking_code, secret=secret, kind=RequestKind.CONSENT_WITHDRAWAL
    )
    do_answer_request(request=request, actor=dpo, answer="Chúng tôi sẽ không liên hệ bạn nữa.")
    consent.refresh_from_db()
    report.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert consent.withdrawn_by_request == request
    assert report.reporter_contact == ""
    assert missing_consents(report.case, ConsentPurpose.CONTACT_REPORTER) == {"reporter"}
    assert ConsentRecord.objects.count() == 1
