"""Before the second step nothing opens: every route of the URL resolver (staff pages, case
pages, evidence, the admin site, ...) sends a person who only typed their password to the
second step, and every API operation treats them as not signed in. Routes are read from the
resolver and the OpenAPI schema, so a route added later is covered without editing this test."""

from __future__ import annotations

import itertools
import re

import pytest
from django.urls import NoReverseMatch, reverse

from copnet.accounts.middleware import OPEN_BEFORE_SECOND_STEP
from copnet.accounts.tests.factories import PASSWORD, make_authenticator
from copnet.cases.services import do_add_note, triage_case
from copnet.core.testing import fresh_totp, url_patterns
from copnet.reports.tests.factories import file_report, make_image

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.raw_second_factor,
    pytest.mark.usefixtures("reference_data", "evidence_dir"),
]

SECRET = "SECRET-GATE-5521"
STEP = "/accounts/second-step/"


@pytest.fixture
def world(coordinator):
    report, _secret = file_report(
        description=SECRET,
        reporter_name="Gate Reporter 5521",
        texts=["SECRET-GATE-TEXT-5521"],
        images=[make_image(2)],
        urls=["https://harm.example/gate/5521"],
        province="01",
    )
    case = triage_case(report.case_id)
    do_add_note(case=case, text="SECRET-GATE-NOTE-5521", actor=coordinator)
    ids = sorted(
        {str(case.pk), str(report.pk), str(coordinator.pk)}
        | {str(e.pk) for e in report.evidence.all()}
    )
    return {
        "case": case,
        "values": {
            "*": ids,
            "reference": [case.reference],
            "tracking_code": [report.tracking_code],
            "code": ["VNCERT", report.tracking_code],
            "object_id": ids,
            "app_label": ["reports", "cases", "accounts", "audit"],
            "token": ["x" * 24],
            "uidb64": ["MQ"],
        },
    }


def every_url(values: dict[str, list[str]]) -> list[tuple[str, str]]:
    urls: set[tuple[str, str]] = set()
    for name, params in url_patterns():
        for combo in itertools.product(*[values.get(p, values["*"]) for p in params]):
            try:
                urls.add((name, reverse(name, kwargs=dict(zip(params, combo, strict=True)))))
            except NoReverseMatch:
                continue
    return sorted(urls)


@pytest.fixture
def half_signed_in(client, coordinator):
    """The coordinator typed the right password and stopped there."""
    make_authenticator(coordinator)
    response = client.post(
        "/accounts/login/", {"username": coordinator.email, "password": PASSWORD}
    )
    assert response["Location"].startswith(STEP)
    return client


def test_no_route_opens_before_the_second_step(half_signed_in, world):
    client = half_signed_in
    urls = every_url(world["values"])
    assert len(urls) > 150  # the resolver really was walked
    assert any(url.startswith("/admin/") for _n, url in urls)
    assert any(url.startswith("/staff/cases/evidence/") for _n, url in urls)
    opened = []
    for name, url in urls:
        if name in OPEN_BEFORE_SECOND_STEP or name == "accounts:logout":
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            where = f"{method.upper()} {url}"
            body = response.content.decode("utf-8", "replace") if not response.streaming else ""
            assert SECRET not in body, where
            assert world["case"].reference not in body.replace(url, ""), where
            if url.startswith("/api/"):
                continue  # the API is walked below, through its schema
            if response.status_code != 302 or not response["Location"].startswith(STEP):
                # Only public pages may answer: the same as for someone not signed in at all.
                opened.append((where, response.status_code))
    assert opened == []


def test_the_open_routes_are_the_second_step_and_the_way_out(half_signed_in):
    client = half_signed_in
    assert client.get(STEP).status_code == 200
    assert client.get("/accounts/security/authenticator/").status_code == 302  # has a factor
    assert client.post("/accounts/language/", {"language": "en", "next": "/"}).status_code == 302
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/staff/").status_code == 302
    assert client.get("/staff/")["Location"].startswith("/accounts/login/")


def test_no_api_operation_accepts_the_half_signed_in_session(half_signed_in, world):
    from copnet.api import api

    client = half_signed_in
    schema = api.get_openapi_schema()
    dashboard = client.get("/api/v1/stats/dashboard")
    assert dashboard.status_code == 401
    for path, operations in schema["paths"].items():
        names = re.findall(r"{(\w+)}", path)
        for method in operations:
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            for combo in itertools.product(*[world["values"].get(n, ["1"])[:2] for n in names]):
                url = path
                for name, value in zip(names, combo, strict=True):
                    url = url.replace("{" + name + "}", value)
                response = getattr(client, method)(url, content_type="application/json")
                body = response.content.decode("utf-8", "replace")
                assert SECRET not in body, f"{method.upper()} {url}"
                assert world["case"].reference not in body, f"{method.upper()} {url}"
                if path.startswith("/api/v1/stats/"):
                    assert response.status_code == 401, f"{method.upper()} {url}"


def test_htmx_requests_are_sent_to_the_second_step_too(half_signed_in):
    response = half_signed_in.get("/staff/cases/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(STEP)


def test_after_the_second_step_the_same_routes_open(half_signed_in, coordinator, world):
    client = half_signed_in
    device = coordinator.totpdevice_set.get()
    client.post(STEP, {"code": fresh_totp(device)})
    assert client.get("/staff/").status_code == 200
    assert client.get(f"/staff/cases/{world['case'].reference}/").status_code == 200
    assert client.get("/admin/")["Location"].startswith("/admin/login/")  # not admin staff
    assert client.get("/api/v1/stats/dashboard").status_code == 200


def test_a_new_role_that_needs_it_closes_an_open_session(client, org_a):
    """A teacher signed in without a second factor becomes an officer: their next request goes
    to the second step (set-up here, as they have none)."""
    from copnet.accounts.choices import Role
    from copnet.accounts.tests.factories import make_user

    person = make_user(email="t@a.example", organisation=org_a, role=Role.TEACHER)
    client.post("/accounts/login/", {"username": person.email, "password": PASSWORD})
    assert client.get("/staff/").status_code == 200
    type(person).objects.filter(pk=person.pk).update(role=Role.OFFICER)
    response = client.get("/staff/cases/")
    assert response.status_code == 302
    assert response["Location"].startswith(STEP)
    assert client.get(response["Location"])["Location"].startswith(
        "/accounts/security/authenticator/"
    )
