"""Every API error is JSON {"code", "message", "field"}: django-ninja's own errors, Django's,
an app's DomainError and anything unexpected."""

from __future__ import annotations

import pytest
from django.urls import include, path
from ninja import Router
from ninja.throttling import AnonRateThrottle

from copnet.accounts.services import do_create_api_key
from copnet.core.api_errors import ContractAPI
from copnet.core.errors import ApiError
from copnet.network.models import Organisation
from copnet.reports.models import Report

CONTRACT_KEYS = {"code", "message", "field"}


def assert_error(response, status: int, code: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) >= CONTRACT_KEYS
    assert body["code"] == code
    assert isinstance(body["message"], str)
    assert body["message"]
    assert body["field"] == field
    return body


@pytest.fixture
def api_key(reference_data):
    organisation = Organisation.objects.get(code="VNCERT")
    return do_create_api_key(organisation=organisation, name="contract", actor=None)[1]


def _post_report(client, api_key, body, content_type="application/json", **extra):
    return client.post(
        "/api/v1/reports",
        body,
        content_type=content_type,
        HTTP_AUTHORIZATION=f"Bearer {api_key}",
        **extra,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"\x00", "application/json"),
        (b"{not json", "application/json"),
        (b"[" * 100_000, "application/json"),
        (b"<report/>", "application/xml"),
        (b"category=csam", "application/x-www-form-urlencoded"),
    ],
)
def test_a_body_that_cannot_be_parsed_is_400_bad_request(client, api_key, body, content_type):
    response = _post_report(client, api_key, body, content_type)
    assert_error(response, 400, "bad_request")
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_a_validation_error_names_the_field_and_lists_every_field(client, api_key):
    response = _post_report(client, api_key, {"category": "nope", "urls": "x" * 3})
    body = assert_error(response, 422, "invalid", "category")
    assert {e["field"] for e in body["errors"]} == {"category", "urls"}
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_a_missing_field_is_named(client, api_key):
    response = _post_report(client, api_key, {"description": "no category"})
    body = assert_error(response, 422, "invalid", "category")
    assert body["errors"] == [{"field": "category", "code": "missing"}]


@pytest.mark.django_db
def test_a_query_parameter_out_of_range_is_422_with_its_name(client):
    response = client.get("/api/v1/ecosystem/products?age=-660")
    assert_error(response, 422, "invalid", "age")


@pytest.mark.django_db
def test_a_domain_error_keeps_its_code_status_and_field(client, api_key):
    response = _post_report(client, api_key, {"category": "csam", "urls": ["javascript:x()"]})
    assert_error(response, 400, "invalid_url", "urls")
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_no_key_is_401_unauthorized(client, reference_data):
    assert_error(client.get("/api/v1/network/whoami"), 401, "unauthorized")


@pytest.mark.django_db
def test_the_session_endpoint_without_a_session_is_401(client):
    assert_error(client.get("/api/v1/stats/dashboard"), 401, "unauthorized")


@pytest.mark.django_db
def test_an_unknown_api_path_is_a_json_404(client):
    assert_error(client.get("/api/v1/no-such-thing"), 404, "not_found")
    assert_error(client.get("/api/v2/"), 404, "not_found")


@pytest.mark.django_db
def test_a_wrong_method_is_a_json_405_that_keeps_allow(client, reference_data):
    response = client.delete("/api/v1/network/organisations")
    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET"


@pytest.mark.django_db
def test_a_missing_object_is_404_not_found(client, api_key):
    response = client.get("/api/v1/reports/AAAAA-BBBBB", HTTP_AUTHORIZATION=f"Bearer {api_key}")
    assert_error(response, 404, "not_found")


@pytest.mark.django_db
def test_the_message_follows_accept_language(client, reference_data):
    vi = client.get("/api/v1/network/whoami", HTTP_ACCEPT_LANGUAGE="vi").json()
    en = client.get("/api/v1/network/whoami", HTTP_ACCEPT_LANGUAGE="en").json()
    assert vi["code"] == en["code"] == "unauthorized"
    assert vi["message"] != en["message"]
    assert en["message"] == "A valid API key is required (Authorization: Bearer)."


# --- errors no COPNet route gives today: a small API built the same way --------------------

router = Router()


@router.get("/boom")
def boom(request):
    raise RuntimeError("an unexpected bug")


@router.get("/slow-down", throttle=AnonRateThrottle("1/m"))
def slow_down(request):
    return {"ok": True}


@router.get("/refused")
def refused(request):
    raise ApiError(429, "rate_limited", "wait", retry_after=30)


probe_api = ContractAPI(urls_namespace="probe")
probe_api.add_router("", router)
urlpatterns = [path("api/probe/", include(probe_api.urls[:2]))]


@pytest.fixture
def probe(settings):
    settings.ROOT_URLCONF = __name__
    return settings


@pytest.mark.django_db
def test_an_unexpected_exception_is_a_json_500_and_is_logged(client, probe, caplog):
    client.raise_request_exception = False
    response = client.get("/api/probe/boom")
    assert_error(response, 500, "server_error")
    assert "an unexpected bug" not in response.content.decode()
    assert any("an unexpected bug" in (r.exc_text or "") for r in caplog.records)


@pytest.mark.django_db
def test_a_throttled_call_is_429_with_retry_after(client, probe):
    assert client.get("/api/probe/slow-down").status_code == 200
    response = client.get("/api/probe/slow-down")
    assert_error(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 60


@pytest.mark.django_db
def test_an_api_error_with_retry_after_sets_the_header(client, probe):
    response = client.get("/api/probe/refused")
    assert_error(response, 429, "rate_limited")
    assert response["Retry-After"] == "30"
