"""Every HTML page (every route of the URL resolver, anonymous and signed in) carries a strict
Content-Security-Policy, Permissions-Policy and Cross-Origin-Opener-Policy; nothing with case or
personal data may be stored by the browser."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

from copnet.accounts.services import do_create_api_key
from copnet.reports.tests.factories import file_report
from copnet.volunteers.tests.test_no_case_access import every_url, world  # noqa: F401 - fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "evidence_dir")]
NO_STORE = "no-store"


def policy(response: Any) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    directives = [d.strip().split() for d in header.split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


def assert_strict(response: Any, where: str) -> None:
    csp = policy(response)
    assert csp, f"no Content-Security-Policy at {where}"
    scripts = csp.get("script-src", csp.get("default-src"))
    styles = csp.get("style-src", csp.get("default-src"))
    assert scripts is not None, where
    for unsafe in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "https:"):
        assert unsafe not in scripts, f"{unsafe} for scripts at {where}"
    assert "'unsafe-inline'" not in styles, f"inline style allowed at {where}"
    assert csp.get("object-src") == ["'none'"], where
    assert csp.get("frame-ancestors") == ["'none'"], where
    assert csp.get("base-uri") == ["'none'"], where
    assert "camera=()" in response.get("Permissions-Policy", ""), where
    assert response.get("Cross-Origin-Opener-Policy") == "same-origin", where


def html_pages(client: Client, urls: list[str]) -> list[tuple[str, Any]]:
    pages = []
    for url in urls:
        response = client.get(url)
        if response.get("Content-Type", "").startswith("text/html"):
            pages.append((url, response))
    return pages


@pytest.fixture
def urls(world) -> list[str]:  # noqa: F811 - the fixture imported above
    values = {name: found[:2] for name, found in world["values"].items()}
    # django-rq's admin "dashboard" entry is no real model: its change page and the admin's
    # "view on site" redirect (/admin/r/<type>/<id>/) for it fail with or without this policy.
    skip = ("/api/", "/admin/django_rq/", "/admin/r/")
    found = [url for url in every_url(values) if not url.startswith(skip)]
    assert len(found) > 100  # the resolver really was walked
    return found


def test_every_page_has_a_strict_policy_for_anonymous_visitors(urls):
    pages = html_pages(Client(), urls)
    assert len(pages) > 50
    for url, response in pages:
        assert_strict(response, f"anonymous GET {url}")


def test_every_page_has_a_strict_policy_and_no_store_for_staff(
    urls, coordinator, django_user_model
):
    admin = django_user_model.objects.create_superuser(email="root@x.example", password="x" * 12)
    for user in (coordinator, admin):
        client = Client()
        client.force_login(user)
        pages = html_pages(client, urls)
        assert sum(url.startswith("/staff/") for url, _r in pages) > 40
        for url, response in pages:
            where = f"{user.email} GET {url}"
            assert_strict(response, where)
            assert NO_STORE in response.get("Cache-Control", ""), where


def test_the_case_page_is_never_stored(client, coordinator, world):  # noqa: F811
    client.force_login(coordinator)
    response = client.get(f"/staff/cases/{world['case'].reference}/")
    assert response.status_code == 200
    assert NO_STORE in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_reporters_receipt_and_status_are_never_stored(client):
    response = client.post("/report/", {"category": "cyberbullying", "description": "Bắt nạt"})
    assert response.status_code == 302
    assert NO_STORE in client.get("/report/thanks/")["Cache-Control"]
    report, secret = file_report()
    client.post("/report/status/", {"tracking_code": report.tracking_code, "secret": secret})
    status = client.get("/report/status/report/")
    assert status.status_code == 200
    assert NO_STORE in status["Cache-Control"]


def test_public_pages_for_anonymous_visitors_may_be_cached(client):
    assert NO_STORE not in client.get("/").get("Cache-Control", "")
    assert NO_STORE not in client.get("/learn/").get("Cache-Control", "")


def test_api_answers_to_a_key_or_session_are_never_stored(client, org_a, coordinator):
    _key, raw = do_create_api_key(organisation=org_a, name="A", actor=None)
    created = client.post(
        "/api/v1/reports",
        json.dumps({"category": "cyberbullying", "urls": ["https://x.example/1"]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert created.status_code == 201
    assert NO_STORE in created["Cache-Control"]
    code = created.json()["tracking_code"]
    status = client.get(f"/api/v1/reports/{code}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert status.status_code == 200
    assert NO_STORE in status["Cache-Control"]
    client.force_login(coordinator)
    assert NO_STORE in client.get("/api/v1/stats/dashboard")["Cache-Control"]


def test_the_api_documentation_loads_nothing_from_another_host(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "cdn.jsdelivr.net" not in html
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "<script>" not in html  # every script is a file
    assert_strict(client.get("/api/v1/docs"), "/api/v1/docs")


def test_the_guardians_page_with_the_childs_application_is_never_stored(
    client, django_capture_on_commit_callbacks, immediate_tasks
):
    from copnet.volunteers.tests.test_guardian_consent import consent_link, minor_form

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/volunteers/apply/", minor_form()).status_code == 302
    page = Client().get(urlsplit(consent_link()).path)
    assert page.status_code == 200
    assert NO_STORE in page["Cache-Control"]
