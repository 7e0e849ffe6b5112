"""The reporter's secret: short groups from an alphabet without look-alikes, typed back in any
case and with any separators; legacy secrets keep working; bad input gets translated errors."""

from __future__ import annotations

import re

import pytest

from copnet.core.testing import vi
from copnet.reports.models import Report
from copnet.reports.services import SECRET_ALPHABET, find_report, hash_secret, new_secret
from copnet.reports.tests.factories import file_report

pytestmark = pytest.mark.usefixtures("reference_data", "evidence_dir")

NOT_FOUND = "We could not find a report with this code and secret. Check both and try again."


def test_new_secrets_are_four_groups_of_four_without_look_alikes():
    for _ in range(200):
        secret = new_secret()
        assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", secret)
        assert not set(secret) & set("01ILOU")
    assert set(SECRET_ALPHABET).isdisjoint("01ILOU")
    assert len({new_secret() for _ in range(500)}) == 500


@pytest.mark.django_db
def test_the_secret_is_found_however_the_child_types_it():
    report, secret = file_report()
    plain = secret.replace("-", "")
    for typed in (
        secret,
        secret.lower(),
        plain,
        " ".join(secret.split("-")),
        f"  {plain.lower()}  ",
        secret.replace("-", " - "),
        "".join(chr(ord(c) + 0xFEE0) for c in plain),  # full-width, as some keyboards type
    ):
        assert find_report(report.tracking_code.lower(), typed) == report, typed
    assert find_report(report.tracking_code, plain[:-1]) is None
    assert find_report(report.tracking_code, plain + "2") is None


@pytest.mark.django_db
def test_a_legacy_secret_still_opens_its_report_exactly_as_given():
    report, _secret = file_report()
    legacy = "5-q08kPbUSv3wCfm"
    Report.objects.filter(pk=report.pk).update(secret_hash=hash_secret(legacy))
    assert find_report(report.tracking_code, legacy) == report
    assert find_report(report.tracking_code, legacy.upper()) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "secret",
    [
        "guess",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "\u202eABCD-EFGH-JKMN-PQRS",
        "ẞẞẞẞ-ﬀﬀﬀﬀ-ǅǅǅǅ-ⅫⅫⅫⅫ",
    ],
)
def test_wrong_or_hostile_secrets_get_the_translated_answer(client, secret):
    report, _real = file_report()
    response = client.post(
        "/report/status/",
        {"tracking_code": report.tracking_code, "secret": secret},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert vi(NOT_FOUND) in html
    assert "<script>alert(1)</script>" not in html


@pytest.mark.django_db
def test_broken_utf8_and_null_bytes_get_translated_errors(client):
    report, _real = file_report()
    body = b"tracking_code=" + report.tracking_code.encode() + b"&secret=%FF%FE%C3%28ABCD%00"
    response = client.post(
        "/report/status/",
        body,
        content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert vi("Null characters are not allowed.") in html or vi(NOT_FOUND) in html
    too_long = client.post(
        "/report/status/",
        {"tracking_code": report.tracking_code, "secret": "A" * 65},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert too_long.status_code == 200
    assert "64" in too_long.content.decode()


@pytest.mark.django_db
def test_the_status_form_is_prefilled_from_the_qr_address(client):
    html = client.get("/report/status/?code=ABCDE-FGHJK", HTTP_ACCEPT_LANGUAGE="vi").content
    assert b'value="ABCDE-FGHJK"' in html
    hostile = client.get('/report/status/?code="><script>x</script>').content.decode()
    assert "<script>x</script>" not in hostile


@pytest.mark.django_db
def test_forgetting_the_report_closes_the_status_page(client):
    report, secret = file_report()
    client.post("/report/status/", {"tracking_code": report.tracking_code, "secret": secret})
    assert client.get("/report/status/report/").status_code == 200
    response = client.post("/report/status/forget/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 302
    again = client.get("/report/status/report/")
    assert again.status_code == 302
    assert again["Location"].endswith("/report/status/")
    assert client.get("/report/status/forget/").status_code == 405
