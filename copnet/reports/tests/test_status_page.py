from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from copnet.cases.services import do_send_report_message
from copnet.core.testing import vi
from copnet.reports.models import Evidence
from copnet.reports.tests.factories import file_report, make_image

pytestmark = pytest.mark.usefixtures("reference_data", "evidence_dir")


@pytest.mark.django_db
def test_the_reporter_sees_the_status_and_the_networks_message(client):
    report, secret = file_report()
    do_send_report_message(
        case=report.case, report=report, text="Chúng tôi đã liên hệ nhà trường.", actor=None
    )
    response = client.post(
        "/report/status/", {"tracking_code": report.tracking_code.lower(), "secret": secret}
    )
    assert response.status_code == 302
    html = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert vi("We have received your report.") in html
    assert "Chúng tôi đã liên hệ nhà trường." in html


@pytest.mark.django_db
def test_a_wrong_secret_gets_the_same_answer_as_an_unknown_code(client):
    report, _secret = file_report()
    wrong = client.post(
        "/report/status/",
        {"tracking_code": report.tracking_code, "secret": "guess"},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    unknown = client.post(
        "/report/status/",
        {"tracking_code": "AAAAA-BBBBB", "secret": "guess"},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    message = vi("We could not find a report with this code and secret. Check both and try again.")
    assert wrong.status_code == unknown.status_code == 200
    assert message in wrong.content.decode()
    assert message in unknown.content.decode()
    assert client.get("/report/status/report/").status_code == 302  # nothing unlocked


@pytest.mark.django_db
def test_lookups_are_rate_limited(client):
    report, secret = file_report()
    for _ in range(10):
        client.post("/report/status/", {"tracking_code": "AAAAA-BBBBB", "secret": "x"})
    response = client.post(
        "/report/status/",
        {"tracking_code": report.tracking_code, "secret": secret},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 600
    assert "Bạn đã thử quá nhiều lần" in response.content.decode()


@pytest.mark.django_db
def test_the_reporter_adds_information_later(client):
    report, secret = file_report()
    client.post("/report/status/", {"tracking_code": report.tracking_code, "secret": secret})
    response = client.post(
        "/report/status/report/",
        {"text": "Họ lại nhắn tin tối qua", "images": [SimpleUploadedFile("c.png", make_image(9))]},
    )
    assert response.status_code == 302
    kinds = sorted(Evidence.objects.filter(report=report).values_list("kind", flat=True))
    assert kinds == ["image", "text"]
    assert report.case.events.filter(kind="info_added").exists()


@pytest.mark.django_db
def test_bad_added_information_changes_nothing(client):
    report, secret = file_report()
    client.post("/report/status/", {"tracking_code": report.tracking_code, "secret": secret})
    response = client.post(
        "/report/status/report/",
        {"text": "x", "images": [SimpleUploadedFile("c.png", b"MZ" + b"\0" * 64)]},
    )
    assert response.status_code == 200
    assert Evidence.objects.filter(report=report).count() == 0
