"""A volunteer can never reach a case's evidence or personal data: every HTML route (from the
URL resolver) and every API operation (from the OpenAPI schema) is tried with a volunteer's
session and a volunteer's key, so a route added later is covered without editing this test.
The walker is `copnet.core.testing` (every_url, api_operations), shared with
accounts/tests/test_cross_org_every_route.py."""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

import pytest

from copnet.audit.models import AuditEvent
from copnet.cases.models import CaseEvent
from copnet.cases.services import do_add_note, do_send_report_message, triage_case
from copnet.core.testing import api_operations, every_url, response_text
from copnet.reports.tests.factories import file_report, make_image
from copnet.volunteers.services import membership, work

from .factories import birth_date, make_task, make_volunteer

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("reference_data", "evidence_dir"),
]

SECRETS = [
    "SECRET-DESCRIPTION-7731",
    "secret_handle_7731",
    "Secret Reporter 7731",
    "secret7731@example.vn",
    "SECRET-EVIDENCE-TEXT-7731",
    "SECRET-NOTE-7731",
    "SECRET-MESSAGE-7731",
]
# Never reached by an ordinary request, or would end the session the loop is using.
SKIP = {"accounts:logout", "volunteers:leave"}

# Public by design: the product catalogue, learning content and the public part of the feed.
PUBLIC_API = ("/api/v1/ecosystem/", "/api/v1/learn/", "/api/v1/feed/")


@pytest.fixture
def world(coordinator, settings):
    """A case reported by someone else, full of personal data and evidence; volunteers who
    reported on the same address, checked it in a task, and one who is under 18."""
    report, _secret = file_report(
        description="SECRET-DESCRIPTION-7731",
        account_handles="@secret_handle_7731",
        reporter_name="Secret Reporter 7731",
        reporter_contact="secret7731@example.vn",
        texts=["SECRET-EVIDENCE-TEXT-7731"],
        images=[make_image(3)],
        urls=["https://harm.example/p/7731"],
        province="01",
    )
    case = triage_case(report.case_id)
    do_add_note(case=case, text="SECRET-NOTE-7731", actor=coordinator)
    do_send_report_message(case=case, report=report, text="SECRET-MESSAGE-7731", actor=coordinator)
    trained = make_volunteer(coordinator, trained=True, email="v1@example.vn")
    lead = make_volunteer(coordinator, level="team_lead", email="lead@example.vn")
    minor = make_volunteer(
        coordinator,
        trained=True,
        email="minor@example.vn",
        date_of_birth=birth_date(16),
        guardian_name="Mẹ",
        guardian_relationship="Mẹ",
        guardian_email="mother@example.vn",
    )
    task = make_task(coordinator, urls=[], case_reference=case.reference, slots=3)
    assignment = work.do_accept_task(task=task, volunteer=trained, actor=trained.user)
    from copnet.reports.services import ReportInput
    from copnet.volunteers.services.reporting import do_volunteer_report

    own = do_volunteer_report(
        volunteer=trained,
        data=ReportInput(category="cyberbullying", urls=["https://harm.example/p/7731"]),
        actor=trained.user,
    )
    evidence = report.evidence.all()
    ints = sorted(
        {
            str(v)
            for v in [case.pk, report.pk, own.pk, task.pk, assignment.pk, lead.pk, minor.pk]
            + [e.pk for e in evidence]
        }
    )
    return {
        "case": case,
        "report": report,
        "volunteers": {"trained": trained, "team_lead": lead, "minor": minor},
        "values": {
            "*": ints[:6],
            "reference": [case.reference],
            "tracking_code": [report.tracking_code, own.tracking_code],
            "code": ["VNCERT", "cyberbullying", report.tracking_code],
            "object_id": ints[:4],
            "app_label": ["reports", "cases", "accounts", "volunteers", "audit"],
            "token": ["x" * 24],
            "uidb64": ["MQ"],
        },
    }


def assert_no_case_content(text: str, case: Any, where: str, url: str = "") -> None:
    # The page repeats its own address (language switch, login "next"): that is not a leak.
    text = text.replace(url, "").replace(url.replace("/", "%2F"), "")
    for secret in [*SECRETS, case.reference]:
        assert secret not in text, f"{secret!r} leaked at {where}"


@pytest.mark.parametrize("who", ["trained", "team_lead", "minor"])
def test_no_html_route_shows_case_content_to_a_volunteer(client, world, who):
    volunteer = world["volunteers"][who]
    case = world["case"]
    urls = every_url(world["values"], SKIP)
    assert len(urls) > 100  # the resolver really was walked
    client.force_login(volunteer.user)
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            where = f"{method.upper()} {url}"
            assert not response.get("Content-Type", "").startswith("image/"), where
            if url.startswith("/staff/cases/"):
                assert response.status_code in {403, 404, 405}, where
            assert_no_case_content(response_text(response), case, where, url)
    evidence_views = AuditEvent.objects.filter(
        actor=volunteer.user, target_type__in=["cases.case", "reports.report", "reports.evidence"]
    ).exclude(action="create")
    assert not evidence_views.exists()
    assert not CaseEvent.objects.filter(kind="evidence_revealed").exists()


@pytest.mark.parametrize("who", ["trained", "team_lead", "minor"])
def test_no_api_operation_gives_case_content_to_a_volunteer_key_or_session(client, world, who):
    volunteer = world["volunteers"][who]
    case = world["case"]
    _key, raw = membership.do_create_key(volunteer=volunteer, name="k", actor=volunteer.user)
    operations = api_operations()
    assert any(path.startswith("/api/v1/volunteers/") for path, _m in operations)
    assert any(path == "/api/v1/reports" for path, _m in operations)
    values = world["values"]
    bodies = [{}, {"category": "other", "urls": ["https://harm.example/p/7731"]}]
    for path, method in operations:
        names = re.findall(r"{(\w+)}", path)
        for combo in itertools.product(*[values.get(n, values["*"])[:3] for n in names]):
            url = path
            for name, value in zip(names, combo, strict=True):
                url = url.replace("{" + name + "}", value)
            for body in bodies if method != "get" else [None]:
                payload = {} if body is None else {"data": json.dumps(body)}
                for auth in ({"HTTP_AUTHORIZATION": f"Bearer {raw}"}, {}):
                    client.force_login(volunteer.user)
                    response = getattr(client, method)(
                        url, content_type="application/json", **payload, **auth
                    )
                    where = f"{method.upper()} {url} ({'key' if auth else 'session'})"
                    assert_no_case_content(response_text(response), case, where, url)
                    if not path.startswith("/api/v1/volunteers/") and response.status_code < 300:
                        # Only the public routes answer a volunteer outside their own area.
                        assert path in {
                            "/api/v1/health",
                            "/api/v1/network/organisations",
                            "/api/v1/openapi.json",
                        } or path.startswith(PUBLIC_API), where
