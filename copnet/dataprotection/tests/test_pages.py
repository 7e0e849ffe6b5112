"""The public request page and the officer's pages, through HTTP."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.test import Client

from copnet.accounts.choices import Role
from copnet.accounts.tests.factories import make_user
from copnet.audit.models import AuditEvent
from copnet.dataprotection.choices import RequestStatus
from copnet.dataprotection.models import Breach, SubjectRequest
from copnet.dataprotection.services import do_answer_request

from .factories import anonymous_report, make_dpo

pytestmark = pytest.mark.django_db
URL = "/privacy/requests/"


def _post(client: Client, code: str, secret: str, kind: str = "access", details: str = ""):
    return client.post(
        URL, {"tracking_code": code, "secret": secret, "kind": kind, "details": details}
    )


def test_a_reporter_asks_and_downloads_the_answer(reference_data):
    report, secret = anonymous_report()
    client = Client()
    response = _post(client, report.tracking_code, secret)
    assert response.status_code == 302
    assert response["Location"] == "/privacy/requests/mine/"
    page = client.get("/privacy/requests/mine/").content.decode()
    request = SubjectRequest.objects.get()
    assert request.number in page
    assert client.get(f"/privacy/requests/{request.pk}/export.zip").status_code == 404
    do_answer_request(request=request, actor=make_dpo())
    download = client.get(f"/privacy/requests/{request.pk}/export.zip")
    assert download["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        assert json.loads(archive.read("report.json"))["report"]["reporter_name"] == (
            "Nguyễn Thị Lan"
        )
    assert AuditEvent.objects.filter(action="export", target_id=str(request.pk)).exists()
    # Another visitor's session has proven nothing.
    assert Client().get(f"/privacy/requests/{request.pk}/export.zip").status_code == 302


def test_a_wrong_secret_gets_the_same_answer_as_an_unknown_code(reference_data):
    report, _secret = anonymous_report()
    known = _post(Client(), report.tracking_code, "sai-roi")
    unknown = _post(Client(), "ZZZZZZZZZZ", "sai-roi")
    assert known.status_code == unknown.status_code == 200

    def error(response):
        page = response.content.decode()
        return page[page.index('class="errors"') :].split("</div>")[0]

    assert error(known) == error(unknown)
    assert "Chúng tôi không tìm thấy phản ánh" in error(known)
    assert not SubjectRequest.objects.exists()


def test_guessing_is_limited_with_the_status_page(reference_data, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "status": (3, 600)}
    report, secret = anonymous_report()
    client = Client()
    client.post("/report/status/", {"tracking_code": "AAAA", "secret": "x"})
    for _ in range(2):
        _post(client, "BBBB", "x")
    refused = _post(client, report.tracking_code, secret)
    assert refused.status_code == 429
    assert not SubjectRequest.objects.exists()


@pytest.mark.parametrize("kind", ["sudo", "<b>x</b>", "access'; --"])
def test_hostile_kinds_are_refused(reference_data, kind):
    report, secret = anonymous_report()
    response = _post(Client(), report.tracking_code, secret, kind=kind)
    assert response.status_code == 200
    assert not SubjectRequest.objects.exists()


def test_the_officer_answers_from_the_queue(reference_data):
    report, secret = anonymous_report()
    reporter = Client()
    _post(reporter, report.tracking_code, secret, kind="deletion")
    request = SubjectRequest.objects.get()
    client = Client()
    client.force_login(make_dpo())
    assert request.number in client.get("/staff/privacy/").content.decode()
    page = client.get(f"/staff/privacy/requests/{request.pk}/").content.decode()
    assert "Nguyễn Thị Lan" in page
    assert "Trẻ em (từ đủ 7 tuổi)" in page.split('id="consent-missing"')[1].split("</p>")[0]
    client.post(
        f"/staff/privacy/requests/{request.pk}/",
        {"action": "consent", "purpose": "disclose_child", "given_by": "child"},
    )
    page = client.get(f"/staff/privacy/requests/{request.pk}/").content.decode()
    assert "Trẻ em (từ đủ 7 tuổi)" not in page.split('id="consent-missing"')[1].split("</p>")[0]
    client.post(f"/staff/privacy/requests/{request.pk}/", {"action": "answer", "answer": ""})
    request.refresh_from_db()
    assert request.status == RequestStatus.ANSWERED
    report.refresh_from_db()
    assert report.reporter_name == ""
    assert report.description == ""
    answer = reporter.get("/privacy/requests/mine/").content.decode()
    assert "Tên và liên hệ của người báo cáo" in answer


def test_other_roles_cannot_open_the_officer_pages(reference_data, org_a):
    analyst = make_user(email="an@a.example", organisation=org_a, role=Role.ANALYST)
    client = Client()
    client.force_login(analyst)
    for url in ("/staff/privacy/", "/staff/privacy/breaches/", "/staff/privacy/processing/"):
        assert client.get(url).status_code == 403


def test_breach_register_and_records_of_processing(reference_data):
    client = Client()
    client.force_login(make_dpo())
    response = client.post(
        "/staff/privacy/breaches/",
        {
            "organisation": make_dpo("dpo2@vncert.example").organisation_id,
            "summary": "Máy tính xách tay bị mất",
            "data_categories": "báo cáo",
            "subjects_affected": "12",
            "discovered_at": "2026-03-02T08:00",
        },
    )
    breach = Breach.objects.get()
    assert response.status_code == 302
    assert (breach.notify_due - breach.discovered_at).total_seconds() == 72 * 3600
    client.post(f"/staff/privacy/breaches/{breach.pk}/", {"target": "authority_notified"})
    breach.refresh_from_db()
    assert breach.status == "detected"  # no reference: refused
    client.post(
        f"/staff/privacy/breaches/{breach.pk}/",
        {"target": "authority_notified", "reference": "A05/2026/17"},
    )
    breach.refresh_from_db()
    assert breach.status == "authority_notified"
    assert breach.notified_late
    register = client.get("/staff/privacy/processing/").content.decode()
    assert "Tiếp nhận và xử lý báo cáo" in register
    document = client.get("/staff/privacy/processing/download/")
    assert "attachment" in document["Content-Disposition"]
    assert "Liên hệ lại người báo cáo" in document.content.decode()
