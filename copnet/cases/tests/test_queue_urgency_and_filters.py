"""The queue: most urgent first (overdue, nearest deadline, priority; no deadline last), quick
filters "my cases", "my organisation", "unassigned", and filters saved per person."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from copnet.cases.models import Case, SavedFilter
from copnet.taxonomy.models import HarmCategory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]
QUEUE = "/staff/cases/"


def make_case(ref, *, lead, priority=3, due_in_hours=None, assignee=None, supporting=()):
    now = timezone.now()
    due = now + dt.timedelta(hours=due_in_hours) if due_in_hours is not None else None
    case = Case.objects.create(
        reference=ref,
        category=HarmCategory.objects.first(),
        priority=priority,
        lead_org=lead,
        status="assigned",
        ack_due=now,
        action_due=now,
        close_due=now,
        next_due=due,
        assignee=assignee,
    )
    case.supporting_orgs.set(supporting)
    return case


def listed(client, query=""):
    page = client.get(QUEUE + query).content.decode()
    return re.findall(r'data-case="([^"]+)"', page)


def test_most_urgent_first_and_no_deadline_last(client, alice, org_a):
    make_case("C-NODUE-P1", lead=org_a, priority=1, due_in_hours=None)
    make_case("C-LATER-P1", lead=org_a, priority=1, due_in_hours=48)
    make_case("C-SOON-P3", lead=org_a, priority=3, due_in_hours=1)
    make_case("C-OVERDUE-P4", lead=org_a, priority=4, due_in_hours=-2)
    make_case("C-OVERDUE-P2", lead=org_a, priority=2, due_in_hours=-30)
    make_case("C-SAME-P4", lead=org_a, priority=4, due_in_hours=5)
    make_case("C-SAME-P2", lead=org_a, priority=2, due_in_hours=5)
    Case.objects.filter(reference__in=["C-SAME-P4", "C-SAME-P2"]).update(
        next_due=timezone.now() + dt.timedelta(hours=5)
    )
    client.force_login(alice)
    assert listed(client) == [
        "C-OVERDUE-P2",
        "C-OVERDUE-P4",
        "C-SOON-P3",
        "C-SAME-P2",
        "C-SAME-P4",
        "C-LATER-P1",
        "C-NODUE-P1",
    ]


def test_quick_filters(client, alice, bob, org_a, org_b, coordinator):
    make_case("C-MINE", lead=org_a, assignee=alice, due_in_hours=1)
    make_case("C-BOBS", lead=org_a, assignee=bob, due_in_hours=2)
    make_case("C-FREE-A", lead=org_a, due_in_hours=3)
    make_case("C-SUPPORTED", lead=org_b, supporting=[org_a], due_in_hours=4)
    make_case("C-B-ONLY", lead=org_b, due_in_hours=5)
    client.force_login(alice)
    assert listed(client, "?mine=on") == ["C-MINE"]
    assert listed(client, "?unassigned=on") == ["C-FREE-A", "C-SUPPORTED"]
    assert listed(client, "?my_org=on") == ["C-MINE", "C-BOBS", "C-FREE-A", "C-SUPPORTED"]
    assert "C-B-ONLY" not in listed(client)
    client.force_login(coordinator)  # sees everything; "my organisation" is VNCERT's: none here
    assert listed(client, "?my_org=on") == []
    assert "C-B-ONLY" in listed(client, "?unassigned=on")


def test_saved_filters_belong_to_their_owner(client, alice, bob, org_a):
    make_case("C-MINE", lead=org_a, assignee=alice, due_in_hours=1)
    make_case("C-OTHER", lead=org_a, due_in_hours=2)
    client.force_login(alice)
    response = client.post(
        "/staff/cases/filters/", {"name": "Mine, overdue or not", "query": "mine=on&page=3&x=1"}
    )
    assert response.status_code == 302
    saved = SavedFilter.objects.get(owner=alice)
    assert saved.query == "mine=on"  # page and unknown fields dropped
    page = client.get(QUEUE).content.decode()
    assert "Mine, overdue or not" in page
    assert listed(client, "?" + saved.query) == ["C-MINE"]
    # the same name twice, an empty name, an empty filter: refused, nothing saved
    for data in (
        {"name": "Mine, overdue or not", "query": "mine=on"},
        {"name": "  ", "query": "mine=on"},
        {"name": "Nothing", "query": "page=2"},
        {"name": "<script>x</script>", "query": "priority=banana"},
    ):
        client.post("/staff/cases/filters/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert SavedFilter.objects.count() == 1
    # Bob neither sees nor deletes Alice's filter
    client.force_login(bob)
    assert "Mine, overdue or not" not in client.get(QUEUE).content.decode()
    assert client.post(f"/staff/cases/filters/{saved.pk}/delete/").status_code == 404
    assert SavedFilter.objects.filter(pk=saved.pk).exists()
    client.force_login(alice)
    client.post(f"/staff/cases/filters/{saved.pk}/delete/")
    assert not SavedFilter.objects.exists()
