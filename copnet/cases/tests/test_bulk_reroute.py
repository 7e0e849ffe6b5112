"""Open cases keep their lead when routing changes, until a coordinator re-routes them."""

from __future__ import annotations

import pytest

from copnet.audit.models import AuditEvent
from copnet.cases.choices import CaseStatus, EventKind
from copnet.cases.models import Case, CaseEvent
from copnet.cases.triage_batch import triage_cases_now
from copnet.core.testing import vi
from copnet.network.models import Organisation
from copnet.reports.tests.factories import file_report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "evidence_dir")]


def _case_led_by_the_old_department(n: int) -> Case:
    """A bullying case opened before the 2025 renaming: its lead is the department that ended."""
    report, _ = file_report(
        category="cyberbullying", urls=[f"https://example.com/b/{n}"], enqueue_triage=False
    )
    triage_cases_now([report.case_id])
    Case.objects.filter(pk=report.case_id).update(
        lead_org=Organisation.objects.get(code="MOET-GDCT")
    )
    return Case.objects.get(pk=report.case_id)


def test_open_cases_keep_their_lead_and_are_offered_for_re_routing(client, coordinator):
    old = _case_led_by_the_old_department(1)
    client.force_login(coordinator)
    html = client.get("/staff/routing/reroute/").content.decode()
    assert f'data-case="{old.reference}"' in html
    old.refresh_from_db()
    assert old.lead_org.code == "MOET-GDCT"  # nothing moves by itself


def test_a_coordinator_re_routes_chosen_cases_in_bulk_with_audit(client, coordinator):
    first, second = _case_led_by_the_old_department(1), _case_led_by_the_old_department(2)
    client.force_login(coordinator)
    response = client.post(
        "/staff/routing/reroute/",
        {"cases": [first.reference], "reason": "Vụ đổi tên theo Nghị định 37/2025"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.lead_org.code == "MOET-HSSV"
    assert [o.code for o in first.supporting_orgs.all()] == ["CBMTE"]
    assert second.lead_org.code == "MOET-GDCT"  # not chosen: unchanged
    event = CaseEvent.objects.get(case=first, kind=EventKind.REASSIGNED)
    assert event.data["from"] == "MOET-GDCT"
    assert event.data["to"] == "MOET-HSSV"
    batch = AuditEvent.objects.get(target_id="bulk-reroute")
    assert batch.changes["cases"] == [first.reference]
    assert batch.actor_label == coordinator.email


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "x"}, "Choose at least one case to re-route."),
        ({"cases": ["REF"], "reason": "  "}, "Give a reason for the reassignment."),
        (
            {"cases": ["REF", "NOPE-1"], "reason": "x"},
            "Some of the chosen cases cannot be re-routed any more. Reload the page.",
        ),
    ],
)
def test_bad_input_changes_nothing(client, coordinator, data, message):
    case = _case_led_by_the_old_department(1)
    if "cases" in data:
        data = {**data, "cases": [case.reference if r == "REF" else r for r in data["cases"]]}
    client.force_login(coordinator)
    audit = AuditEvent.objects.count()
    response = client.post("/staff/routing/reroute/", data)
    assert response.status_code == 200
    assert vi(message) in response.content.decode()
    case.refresh_from_db()
    assert case.lead_org.code == "MOET-GDCT"
    assert case.status == CaseStatus.ASSIGNED
    assert AuditEvent.objects.count() == audit


def test_only_coordinators_may_re_route(client, alice):
    case = _case_led_by_the_old_department(1)
    client.force_login(alice)
    assert client.get("/staff/routing/reroute/").status_code == 403
    response = client.post("/staff/routing/reroute/", {"cases": [case.reference], "reason": "x"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.lead_org.code == "MOET-GDCT"
