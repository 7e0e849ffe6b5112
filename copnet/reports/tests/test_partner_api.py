from __future__ import annotations

import json

import pytest

from copnet.accounts.services import do_create_api_key
from copnet.cases.models import Case
from copnet.network.models import Organisation
from copnet.reports.models import Report

pytestmark = pytest.mark.usefixtures("reference_data", "evidence_dir")


@pytest.fixture
def partner_key(db, reference_data):
    org = Organisation.objects.create(
        code="TIKTOK", abbreviation="TikTok", name_vi="TikTok", kind="enterprise"
    )
    _key, raw = do_create_api_key(organisation=org, name="TikTok T&S", actor=None)
    return raw


def call(client, path, key, payload, **headers):
    return client.post(
        path,
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        **headers,
    )


ITEM = {
    "category": "self_harm",
    "description": "Thử thách nguy hiểm",
    "urls": ["https://video.example/v/1"],
    "child_age_band": "12-15",
    "external_id": "T-1",
}


@pytest.mark.django_db
def test_a_partner_reports_one_harm_and_reads_its_status(client, partner_key):
    response = call(client, "/api/v1/reports", partner_key, ITEM)
    assert response.status_code == 201
    code = response.json()["tracking_code"]
    report = Report.objects.get(tracking_code=code)
    assert report.channel == "api"
    assert report.partner.code == "TIKTOK"
    status = client.get(f"/api/v1/reports/{code}", HTTP_AUTHORIZATION=f"Bearer {partner_key}")
    assert status.status_code == 200
    assert status.json()["external_id"] == "T-1"


@pytest.mark.django_db
def test_another_partner_gets_404_for_a_report_it_did_not_send(client, partner_key):
    code = call(client, "/api/v1/reports", partner_key, ITEM).json()["tracking_code"]
    other = Organisation.objects.get(code="VNISA")
    _key, raw = do_create_api_key(organisation=other, name="other", actor=None)
    response = client.get(f"/api/v1/reports/{code}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    missing = client.get("/api/v1/reports/ZZZZZ-ZZZZZ", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json()


@pytest.mark.django_db
def test_bulk_answers_one_result_per_item_in_order(client, partner_key):
    items = [
        ITEM,
        {"category": "nope"},
        {**ITEM, "urls": ["javascript:alert(1)"]},
        {**ITEM, "external_id": "T-4", "urls": ["https://other.example/"]},
    ]
    response = call(client, "/api/v1/reports/bulk", partner_key, {"reports": items})
    body = response.json()
    assert response.status_code == 200
    assert [r["ok"] for r in body["results"]] == [True, False, False, True]
    assert [r["index"] for r in body["results"]] == [0, 1, 2, 3]
    assert body["results"][1]["code"] == "invalid"
    assert body["results"][2]["code"] == "invalid_url"
    assert (body["created"], body["failed"]) == (2, 2)
    assert Report.objects.count() == 2


@pytest.mark.django_db
def test_a_retried_idempotency_key_creates_no_duplicates(client, partner_key):
    payload = {"reports": [ITEM, {**ITEM, "urls": ["https://b.example/"]}]}
    first = call(
        client, "/api/v1/reports/bulk", partner_key, payload, HTTP_IDEMPOTENCY_KEY="batch-42"
    )
    again = call(
        client, "/api/v1/reports/bulk", partner_key, payload, HTTP_IDEMPOTENCY_KEY="batch-42"
    )
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert Report.objects.count() == 2
    single = call(client, "/api/v1/reports", partner_key, ITEM, HTTP_IDEMPOTENCY_KEY="one")
    single_again = call(client, "/api/v1/reports", partner_key, ITEM, HTTP_IDEMPOTENCY_KEY="one")
    assert single.status_code == single_again.status_code == 201
    assert single.json() == single_again.json()
    assert Report.objects.count() == 3


@pytest.mark.django_db
def test_reusing_an_idempotency_key_for_another_body_is_refused(client, partner_key):
    call(client, "/api/v1/reports", partner_key, ITEM, HTTP_IDEMPOTENCY_KEY="k")
    response = call(
        client,
        "/api/v1/reports",
        partner_key,
        {**ITEM, "description": "khác"},
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Report.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"category": "csam", "urls": "not a list"}, 422),
        ({"category": "csam", "in_danger": "maybe"}, 422),
        ({"category": "csam", "child_age_band": "3-4"}, 422),
        ({"category": "csam", "description": "x" * 10_001}, 422),
        ({"category": "csam", "description": "  "}, 400),
        ({"description": "no category"}, 422),
    ],
)
def test_malformed_reports_are_refused_and_nothing_is_saved(client, partner_key, payload, status):
    response = call(client, "/api/v1/reports", partner_key, payload)
    assert response.status_code == status
    assert response.json()["code"]
    assert Report.objects.count() == 0
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_more_than_1000_items_are_refused(client, partner_key):
    response = call(client, "/api/v1/reports/bulk", partner_key, {"reports": [ITEM] * 1001})
    assert response.status_code == 422
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_reports_need_a_valid_key(client):
    response = client.post("/api/v1/reports", json.dumps(ITEM), content_type="application/json")
    assert response.status_code == 401
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_broken_json_is_refused(client, partner_key):
    response = client.post(
        "/api/v1/reports",
        b'{"category": "csam", "descr\xff',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {partner_key}",
    )
    assert response.status_code in {400, 422}
    assert Report.objects.count() == 0
