"""Input the schema accepts fits the database, and input that would not is refused with a 4xx:
on PostgreSQL a NUL in text, a too-wide value or a too-long host would otherwise be a 500
(found by the contract run, `scripts/api_contract.py`, on PostgreSQL)."""

from __future__ import annotations

import pytest

from copnet.accounts.services import do_create_api_key
from copnet.network.models import Organisation
from copnet.reports.models import Report, ReportUrl


@pytest.fixture
def auth(reference_data):
    organisation = Organisation.objects.get(code="A05")
    raw = do_create_api_key(organisation=organisation, name="widths", actor=None)[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/reports/AB%00CD-EFGHK", "tracking_code"),
        ("/api/v1/network/organisations/A%0005/contacts", "code"),
        ("/api/v1/ecosystem/products/a%00b", "slug"),
        ("/api/v1/ecosystem/products?q=a%00b", "q"),
        ("/api/v1/learn/courses?audience=a%00b", "audience"),
        ("/api/v1/feed/hosts?category=a%00", "category"),
    ],
)
def test_a_nul_in_a_path_or_query_parameter_is_422(client, auth, url, field):
    client.raise_request_exception = False
    response = client.get(url, **auth)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["field"] == field


@pytest.mark.django_db
def test_a_nul_in_a_callback_reference_is_422(client, auth):
    client.raise_request_exception = False
    response = client.post(
        "/api/v1/takedowns/callbacks",
        {"event_id": "evt-00000001", "reference": "R26-\x00AAAA", "status": "removed"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 422
    assert response.json()["field"] == "reference"


@pytest.mark.django_db
def test_a_platform_as_wide_as_its_column_is_stored_and_a_wider_one_refused(client, auth):
    ok = client.post(
        "/api/v1/reports",
        {"category": "scam_gambling", "description": "x", "platform": "p" * 100},
        content_type="application/json",
        **auth,
    )
    assert ok.status_code == 201
    assert Report.objects.get().platform == "p" * 100
    wide = client.post(
        "/api/v1/reports",
        {"category": "scam_gambling", "description": "x", "platform": "p" * 101},
        content_type="application/json",
        **auth,
    )
    assert wide.status_code == 422
    assert wide.json()["field"] == "platform"
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_an_external_id_that_grows_under_nfc_is_refused_not_truncated(client, auth):
    # U+FB2C decomposes under NFC into three code points: 40 of them become 120.
    response = client.post(
        "/api/v1/reports",
        {"category": "other", "description": "x", "external_id": "\ufb2c" * 40},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 400
    assert response.json()["code"] == "too_long"
    assert response.json()["field"] == "external_id"
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_a_host_longer_than_dns_allows_is_an_invalid_url(client, auth):
    host = ".".join(["a" * 60] * 6)
    response = client.post(
        "/api/v1/reports",
        {"category": "other", "urls": [f"https://{host}/x"]},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_url"
    assert ReportUrl.objects.count() == 0


@pytest.mark.django_db
def test_a_refused_address_is_quoted_back_without_control_characters(client, auth):
    response = client.post(
        "/api/v1/reports/bulk",
        {"reports": [{"category": "other", "urls": ["http://a.example/\x00\x07x"]}]},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="nul-in-url",
        **auth,
    )
    assert response.status_code == 200
    item = response.json()["results"][0]
    assert item["code"] == "invalid_url"
    assert "\x00" not in item["message"]
    assert "\x07" not in item["message"]
