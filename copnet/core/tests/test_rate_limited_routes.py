"""Each public form is rate-limited per real client: over the limit the answer is 429 with
Retry-After and the translated form again, and nothing is stored. Behind a trusted proxy every
forwarded client has its own bucket; a forged X-Forwarded-For from anyone else changes nothing."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from copnet.audit.models import AuditEvent
from copnet.cases.models import Case
from copnet.core.models import OutgoingEmail
from copnet.reports.models import Evidence, Report
from copnet.reports.tests.factories import file_report
from copnet.volunteers.models import Application
from copnet.volunteers.tests.test_application import form_data as volunteer_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "evidence_dir")]
REFUSED_VI = "Bạn đã thử quá nhiều lần"
_serial = itertools.count()


@dataclass(frozen=True)
class Route:
    url: str
    scope: str
    data: Callable[[], dict[str, Any]]
    stored: Callable[[], int]


def _report() -> dict[str, Any]:
    return {"category": "cyberbullying", "description": f"Có người bắt nạt em {next(_serial)}"}


def _vendor() -> dict[str, Any]:
    password = "Một mật khẩu dài 2026!"
    return {
        "organisation_name": f"Công ty {next(_serial)}",
        "website": "https://bekhoe.example",
        "full_name": "Trần Thị Lan",
        "email": f"lan{next(_serial)}@bekhoe.example",
        "password1": password,
        "password2": password,
    }


ROUTES = {
    "report": Route("/report/", "report", _report, lambda: Report.objects.count()),
    "vendor-signup": Route(
        "/ecosystem/vendors/register/",
        "vendor-signup",
        _vendor,
        # An accepted sign-up queues a confirmation link (core.mail); the account exists only
        # once confirmed.
        lambda: OutgoingEmail.objects.filter(key__startswith="evaluations.vendor_sign_up:").count(),
    ),
    "volunteer-apply": Route(
        "/volunteers/apply/",
        "volunteer-apply",
        lambda: volunteer_form(email=f"v{next(_serial)}@example.vn"),
        lambda: Application.objects.count(),
    ),
}


@pytest.fixture
def limits(settings):
    """Two tries per window for every scope, so that a test needs only a few requests."""
    settings.RATE_LIMITS = {scope: (2, 600) for scope in settings.RATE_LIMITS}
    return settings


def post(route: Route, **extra: Any) -> Any:
    # A fresh client each time: a bot does not keep cookies, and limits must not depend on them.
    return Client().post(route.url, route.data(), HTTP_ACCEPT_LANGUAGE="vi", **extra)


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_over_the_limit_the_form_is_refused_with_429_and_nothing_is_stored(limits, name):
    route = ROUTES[name]
    assert [post(route).status_code for _ in range(2)] == [302, 302]
    stored = route.stored()
    refused = post(route)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 600
    assert REFUSED_VI in refused.content.decode()
    assert route.stored() == stored == 2
    assert AuditEvent.objects.filter(action="denied", target_id=route.scope).count() == 1


def test_a_refused_report_keeps_what_the_child_typed(limits):
    route = ROUTES["report"]
    post(route), post(route)
    response = Client().post("/report/", {"category": "grooming", "description": "Em sợ lắm"})
    assert response.status_code == 429
    assert "Em sợ lắm" in response.content.decode()
    assert Case.objects.count() == 2


def test_behind_our_proxy_each_forwarded_client_has_its_own_bucket(limits):
    limits.TRUSTED_PROXIES = ["127.0.0.1/32"]
    route = ROUTES["report"]
    first = {"HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    second = {"HTTP_X_FORWARDED_FOR": "198.51.100.2"}
    assert [post(route, **first).status_code for _ in range(3)] == [302, 302, 429]
    assert [post(route, **second).status_code for _ in range(2)] == [302, 302]
    assert post(route, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.2").status_code == 429
    assert Report.objects.count() == 4


def test_a_forged_forwarded_address_from_a_stranger_is_ignored(limits):
    limits.TRUSTED_PROXIES = ["10.0.0.0/8"]
    route = ROUTES["report"]
    codes = [
        post(route, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(3)
    ]
    assert codes == [302, 302, 429]
    assert Report.objects.count() == 2


def test_status_lookups_are_limited_per_address(limits):
    report, secret = file_report()
    client = Client()
    for _ in range(2):
        client.post("/report/status/", {"tracking_code": "AAAAA-BBBBB", "secret": "x"})
    response = client.post(
        "/report/status/", {"tracking_code": report.tracking_code, "secret": secret}
    )
    assert response.status_code == 429
    assert "Retry-After" in response
    assert client.get("/report/status/report/").status_code == 302  # nothing unlocked


def test_status_lookups_are_limited_per_tracking_code_from_any_address(limits):
    limits.TRUSTED_PROXIES = ["127.0.0.1/32"]
    report, secret = file_report()
    codes = [
        Client()
        .post(
            "/report/status/",
            {"tracking_code": report.tracking_code.lower(), "secret": "wrong"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
        .status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]
    other, other_secret = file_report()
    fresh = Client().post(
        "/report/status/",
        {"tracking_code": other.tracking_code, "secret": other_secret},
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert fresh.status_code == 302  # another code from a new address is not affected


def test_adding_information_is_limited_and_a_refusal_adds_nothing(limits):
    limits.RATE_LIMITS = {**limits.RATE_LIMITS, "status": (100, 600)}
    report, secret = file_report()
    client = Client()
    client.post("/report/status/", {"tracking_code": report.tracking_code, "secret": secret})
    before = Evidence.objects.filter(report=report).count()
    codes = [
        client.post("/report/status/report/", {"text": f"Thêm {n}"}).status_code for n in range(3)
    ]
    assert codes == [302, 302, 429]
    assert Evidence.objects.filter(report=report).count() == before + 2


def test_adding_information_to_one_report_is_limited_from_any_address(limits):
    limits.TRUSTED_PROXIES = ["127.0.0.1/32"]
    limits.RATE_LIMITS = {
        **limits.RATE_LIMITS,
        "status": (100, 600),
        "status-code": (100, 600),
        "add-info": (100, 600),
    }
    report, secret = file_report()
    codes = []
    for n in range(3):
        client = Client(HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        client.post("/report/status/", {"tracking_code": report.tracking_code, "secret": secret})
        codes.append(client.post("/report/status/report/", {"text": f"Thêm {n}"}).status_code)
    assert codes == [302, 302, 429]
