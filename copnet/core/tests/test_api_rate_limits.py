"""The API counts every call: per partner key, per volunteer key or session, else per client
address. A refused call is 429 JSON `{"code": "rate_limited", "message"}` with Retry-After, and
creates nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from copnet.accounts.services import do_create_api_key
from copnet.audit.models import AuditEvent
from copnet.reports.models import Report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def keys(org_a, org_b) -> dict[str, str]:
    return {
        "a": do_create_api_key(organisation=org_a, name="A", actor=None)[1],
        "b": do_create_api_key(organisation=org_b, name="B", actor=None)[1],
    }


def report(key: str, n: int) -> Any:
    body = {"category": "cyberbullying", "urls": [f"https://harm.example/{n}"]}
    return Client().post(
        "/api/v1/reports",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_ACCEPT_LANGUAGE="vi",
    )


def forwarded(n: int) -> dict[str, str]:
    return {"HTTP_X_FORWARDED_FOR": f"198.51.100.{n}"}


def test_a_partner_key_over_its_limit_gets_429_json_and_creates_nothing(settings, keys):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api-key": (3, 60)}
    assert [report(keys["a"], n).status_code for n in range(3)] == [201, 201, 201]
    refused = report(keys["a"], 3)
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert refused.json()["message"]
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert Report.objects.count() == 3
    assert report(keys["b"], 4).status_code == 201  # each key has its own bucket
    denied = AuditEvent.objects.get(action="denied", target_id="api-key")
    assert denied.api_key_id is not None


def test_keys_are_counted_whatever_the_address(settings, keys):
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api-key": (2, 60)}
    codes = [
        Client()
        .get("/api/v1/reports/NOPE", HTTP_AUTHORIZATION=f"Bearer {keys['a']}", **forwarded(n))
        .status_code
        for n in range(3)
    ]
    assert codes == [404, 404, 429]


def test_anonymous_calls_are_counted_per_real_client(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api-anonymous": (2, 60)}
    first = [Client().get("/api/v1/health", **forwarded(1)).status_code for _ in range(3)]
    assert first == [200, 200, 429]
    assert Client().get("/api/v1/health", **forwarded(2)).status_code == 200


def test_a_forged_forwarded_address_does_not_give_a_fresh_bucket(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api-anonymous": (2, 60)}
    codes = [Client().get("/api/v1/health", **forwarded(n)).status_code for n in range(3)]
    assert codes == [200, 200, 429]


def test_detection_counts_items_per_key(settings, keys):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "detect-items": (5, 60)}

    def match(count: int) -> Any:
        body = {"urls": [f"https://x.example/{n}" for n in range(count)]}
        return Client().post(
            "/api/v1/match/url",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {keys['a']}",
        )

    assert match(3).status_code == 200
    refused = match(3)
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert "Retry-After" in refused
