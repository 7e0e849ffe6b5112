"""An anonymous reporter's requests (PDPL 2025, Decree 356/2025): proven with the tracking code
and secret, answered within 2 working days counted with Vietnamese holidays, with an export;
a deletion erases what no legal duty keeps."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from zoneinfo import ZoneInfo

import pytest

from copnet.audit.models import AuditEvent
from copnet.cases.models import Case
from copnet.core.errors import DomainError
from copnet.dataprotection.choices import Ground, RequestKind, RequestStatus
from copnet.dataprotection.clock import answer_due
from copnet.dataprotection.errors import DataProtectionError
from copnet.dataprotection.export import export_zip
from copnet.dataprotection.models import SubjectRequest
from copnet.dataprotection.services import (
    do_answer_request,
    do_record_ground,
    do_refuse_request,
    do_submit_request,
)
from copnet.reports.models import Evidence, Report

from .factories import anonymous_report, make_dpo

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def dpo(reference_data):
    return make_dpo()


def test_the_clock_skips_weekends_and_vietnamese_holidays():
    # Wed 29 Apr 2026; 30 Apr and 1 May are holidays, then a weekend: Mon 4 and Tue 5 May.
    assert answer_due(dt.datetime(2026, 4, 29, 10, tzinfo=HCM)).date() == dt.date(2026, 5, 5)
    # An ordinary week: Monday's request is due on Wednesday.
    assert answer_due(dt.datetime(2026, 6, 8, 10, tzinfo=HCM)).date() == dt.date(2026, 6, 10)
    # 31 Aug, 1 and 2 Sep 2026 are days off; Saturday 22 Aug was worked in exchange.
    assert answer_due(dt.datetime(2026, 8, 21, 10, tzinfo=HCM)).date() == dt.date(2026, 8, 24)


def test_an_access_request_is_answered_within_the_clock_with_an_export(dpo):
    report, secret = anonymous_report()
    received = dt.datetime(2026, 4, 29, 16, tzinfo=HCM)
    request = do_submit_request(
        tracking_code=report.tracking_code.lower(),
        secret=f" {secret} ",
        kind=RequestKind.ACCESS,
        now=received,
    )
    assert request.due_at == dt.datetime(2026, 5, 5, 23, 59, 59, tzinfo=HCM)
    # Four calendar days later (naively late), but within two working days of Vietnam.
    answered = do_answer_request(
        request=request, actor=dpo, now=dt.datetime(2026, 5, 4, 9, tzinfo=HCM)
    )
    assert answered.status == RequestStatus.ANSWERED
    assert not answered.overdue
    audit = AuditEvent.objects.get(target_type="dataprotection.subjectrequest", action="transition")
    assert audit.changes["within_clock"] is True

    with zipfile.ZipFile(io.BytesIO(export_zip(report))) as archive:
        data = json.loads(archive.read("report.json"))
        messages = json.loads(archive.read("messages.json"))
    assert data["report"]["description"] == "Con tôi bị nhắn tin đe dọa bởi tài khoản ke_xau_99"
    assert data["report"]["reporter_contact"] == "0912 345 678"
    assert data["addresses"] == ["https://www.facebook.com/ke.xau.3"]
    assert {"from": "reporter", "text": "Mày mà nói với ai thì biết tay"}.items() <= messages[
        0
    ].items()
    assert [e["kind"] for e in data["evidence"]].count("image") == 1
    assert data["requests"][0]["status"] == "answered"


@pytest.mark.parametrize("code_known", [True, False])
def test_a_wrong_secret_tells_nothing_and_stores_nothing(reference_data, code_known):
    report, _secret = anonymous_report()
    code = report.tracking_code if code_known else "ZZZZZZZZZZ"
    with pytest.raises(DataProtectionError) as caught:
        do_submit_request(tracking_code=code, secret="đoán-bừa", kind=RequestKind.DELETION)
    assert caught.value.code == "not_found"
    assert str(caught.value.message).startswith("Chúng tôi không tìm thấy phản ánh")
    assert not SubjectRequest.objects.exists()
    assert AuditEvent.objects.filter(action="denied", target_type="dataprotection.subjectrequest")


@pytest.mark.parametrize("kind", ["nonsense", "<script>", ""])
def test_an_unknown_kind_is_refused(reference_data, kind):
    report, secret = anonymous_report()
    with pytest.raises(DataProtectionError) as caught:
        do_submit_request(tracking_code=report.tracking_code, secret=secret, kind=kind)
    assert caught.value.code == "bad_kind"
    assert not SubjectRequest.objects.exists()


def test_a_deletion_erases_the_report_when_no_legal_duty_keeps_it(dpo, evidence_dir):
    report, secret = anonymous_report()
    request = do_submit_request(
        tracking_code=report.tracking_code, secret=secret, kind=RequestKind.DELETION
    )
    answered = do_answer_request(request=request, actor=dpo)
    report.refresh_from_db()
    assert (report.description, report.reporter_name, report.reporter_contact) == ("", "", "")
    assert report.purged_at is not None
    assert all(e.text == "" and e.blob_path == "" for e in Evidence.objects.filter(report=report))
    assert [u.url for u in report.urls.all()] == [""]
    assert answered.erased == ["reporter_identity", "report_content"]
    assert answered.kept == []
    assert answered.legal_ground == ""


def test_a_deletion_keeps_what_a_police_investigation_requires(dpo, evidence_dir):
    report, secret = anonymous_report()
    do_record_ground(
        case=report.case,
        ground=Ground.POLICE_INVESTIGATION,
        basis="Công văn 123/A05 ngày 2/5/2026",
        actor=dpo,
    )
    request = do_submit_request(
        tracking_code=report.tracking_code, secret=secret, kind=RequestKind.DELETION
    )
    answered = do_answer_request(request=request, actor=dpo)
    report.refresh_from_db()
    # The reporter's own identity goes; the evidence the police need stays.
    assert (report.reporter_name, report.reporter_contact) == ("", "")
    assert report.description.startswith("Con tôi bị nhắn tin")
    assert Evidence.objects.filter(report=report).exclude(blob_path="").exists()
    assert answered.erased == ["reporter_identity"]
    assert answered.kept == ["report_content"]
    assert answered.legal_ground == Ground.POLICE_INVESTIGATION
    deleted = AuditEvent.objects.get(target_type="reports.report", action="delete")
    assert deleted.changes["kept"] == ["report_content"]


def test_a_consent_withdrawal_under_a_legal_duty_is_refused_and_changes_nothing(dpo):
    report, secret = anonymous_report()
    do_record_ground(case=report.case, ground=Ground.LEGAL_HOLD, basis="Quyết định 9/TA", actor=dpo)
    request = do_submit_request(
        tracking_code=report.tracking_code, secret=secret, kind=RequestKind.CONSENT_WITHDRAWAL
    )
    with pytest.raises(DataProtectionError) as caught:
        do_answer_request(request=request, actor=dpo, answer="Đã rút")
    assert caught.value.code == "under_legal_duty"
    request.refresh_from_db()
    report.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED
    assert request.answered_at is None
    assert report.reporter_contact == "0912 345 678"
    denied = AuditEvent.objects.get(action="denied", target_id=str(request.pk))
    assert denied.changes["grounds"] == [Ground.LEGAL_HOLD]
    # The officer then refuses it with the ground, which the reporter is told.
    refused = do_refuse_request(
        request=request, actor=dpo, ground=Ground.LEGAL_HOLD, answer="Dữ liệu đang bị phong tỏa."
    )
    assert refused.status == RequestStatus.REFUSED
    assert refused.legal_ground == Ground.LEGAL_HOLD


def test_a_refusal_needs_a_ground_and_a_correction_needs_details(dpo):
    report, secret = anonymous_report()
    with pytest.raises(DataProtectionError) as caught:
        do_submit_request(
            tracking_code=report.tracking_code, secret=secret, kind=RequestKind.CORRECTION
        )
    assert caught.value.code == "details_required"
    request = do_submit_request(
        tracking_code=report.tracking_code,
        secret=secret,
        kind=RequestKind.OBJECTION,
        details="Tôi phản đối",
    )
    with pytest.raises(DomainError) as caught:
        do_refuse_request(request=request, actor=dpo, ground="", answer="Không")
    assert caught.value.code == "ground_required"
    request.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED


def test_an_answered_request_cannot_be_answered_again(dpo):
    report, secret = anonymous_report()
    request = do_submit_request(
        tracking_code=report.tracking_code, secret=secret, kind=RequestKind.ACCESS
    )
    do_answer_request(request=request, actor=dpo)
    request.refresh_from_db()
    with pytest.raises(DomainError) as caught:
        do_answer_request(request=request, actor=dpo)
    assert getattr(caught.value, "code", "") == "invalid_transition"


def test_someone_without_the_permission_cannot_answer(reference_data):
    from copnet.accounts.choices import Role
    from copnet.accounts.tests.factories import make_user

    report, secret = anonymous_report()
    analyst = make_user(
        email="an@x.example", organisation=Case.objects.get().lead_org, role=Role.ANALYST
    )
    request = do_submit_request(
        tracking_code=report.tracking_code, secret=secret, kind=RequestKind.ACCESS
    )
    with pytest.raises(DomainError) as caught:
        do_answer_request(request=request, actor=analyst)
    assert getattr(caught.value, "code", "") == "transition_forbidden"
    assert Report.objects.get().reporter_contact == "0912 345 678"
