"""The staff home counts open work per organisation and for the person; the header polls a
fragment that shows new P1 cases the person may see until they acknowledge it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from copnet.cases.models import Case, CaseEvent
from copnet.taxonomy.models import HarmCategory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def make_case(
    ref, *, lead, priority=3, due_in_hours=None, assignee=None, acknowledged=True, age_days=0
):
    now = timezone.now()
    case = Case.objects.create(
        reference=ref,
        category=HarmCategory.objects.first(),
        priority=priority,
        lead_org=lead,
        status="assigned",
        created_at=now - dt.timedelta(days=age_days),
        triaged_at=now,
        acknowledged_at=now if acknowledged else None,
        ack_due=now,
        action_due=now,
        close_due=now,
        next_due=now + dt.timedelta(hours=due_in_hours) if due_in_hours is not None else None,
        assignee=assignee,
    )
    CaseEvent.objects.create(case=case, kind="triaged", actor_label="system")
    if age_days:
        CaseEvent.objects.filter(case=case).update(at=now - dt.timedelta(days=age_days))
    return case


def counts_row(page, marker):
    row = re.search(marker + r".*?</tr>", page, re.S).group(0)
    return [int(n) for n in re.findall(r"<td>(\d+)</td>", row)]


def test_counts_per_organisation_and_person(client, alice, org_a, org_b):
    make_case("C-NEW", lead=org_a, acknowledged=False, due_in_hours=100)
    make_case("C-OVERDUE", lead=org_a, due_in_hours=-1, assignee=alice)
    make_case("C-TODAY", lead=org_a, due_in_hours=0.01, assignee=alice)
    make_case("C-STUCK", lead=org_a, age_days=10, due_in_hours=200)
    make_case("C-B", lead=org_b, acknowledged=False, due_in_hours=-5)
    client.force_login(alice)
    page = client.get("/staff/").content.decode()
    # new, overdue, due today, unassigned, stuck
    assert counts_row(page, 'data-org="ORGA"') == [1, 1, 1, 2, 1]
    assert counts_row(page, 'class="counts-mine"') == [0, 1, 1, 0]
    assert 'data-org="ORGB"' not in page  # another organisation's work is not counted


def test_p1_alert_until_acknowledged(client, alice, charlie, org_a, org_b):
    make_case("C-P1-A", lead=org_a, priority=1)
    make_case("C-P1-B", lead=org_b, priority=1)
    make_case("C-P2-A", lead=org_a, priority=2)
    client.force_login(alice)
    assert 'hx-get="/staff/alerts/p1/"' in client.get("/staff/").content.decode()
    fragment = client.get("/staff/alerts/p1/", HTTP_HX_REQUEST="true").content.decode()
    assert "C-P1-A" in fragment
    assert "C-P1-B" not in fragment
    assert "C-P2-A" not in fragment
    client.post("/staff/alerts/p1/acknowledge/", HTTP_HX_REQUEST="true")
    assert "C-P1-A" not in client.get("/staff/alerts/p1/").content.decode()
    make_case("C-P1-A2", lead=org_a, priority=1)
    Case.objects.filter(reference="C-P1-A2").update(
        triaged_at=timezone.now() + dt.timedelta(seconds=1)
    )
    fragment = client.get("/staff/alerts/p1/").content.decode()
    assert "C-P1-A2" in fragment
    assert "C-P1-A" + '"' not in fragment
    # Charlie (organisation B) has not acknowledged: he sees B's case only
    client.force_login(charlie)
    fragment = client.get("/staff/alerts/p1/").content.decode()
    assert "C-P1-B" in fragment
    assert "C-P1-A" not in fragment


def test_people_without_cases_get_no_alert(client, db):
    response = client.get("/staff/alerts/p1/")
    assert response.status_code in (302, 403)
