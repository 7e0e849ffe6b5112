"""Each organisation sees the figures of the cases it leads or supports, and nothing else."""

from __future__ import annotations

import datetime as dt

import pytest

from copnet.accounts.choices import Role
from copnet.accounts.tests.factories import make_user
from copnet.stats.periods import Period
from copnet.stats.selectors import Filters, dashboard

pytestmark = pytest.mark.django_db
JULY = Period("month", dt.date(2025, 7, 1))
API = "/api/v1/stats/dashboard?kind=month&period=2025-07"


def test_an_officer_sees_only_the_cases_of_her_organisation(refreshed, alice):
    board = dashboard(alice, Filters(JULY))
    assert (board.totals["cases"], board.totals["reports"]) == (3, 6)
    assert {r["value"]: r["n"] for r in board.breakdowns[0].rows} == {
        "cyberbullying": 2,
        "scam_gambling": 1,
    }
    assert "org" not in {b.key for b in board.breakdowns}


def test_a_supporting_organisation_counts_the_cases_it_supports(refreshed, charlie):
    board = dashboard(charlie, Filters(JULY))
    assert (board.totals["cases"], board.totals["reports"]) == (2, 2)
    province = next(b for b in board.breakdowns if b.key == "province")
    assert {r["value"]: r["n"] for r in province.rows} == {"79": 1, "01": 1}
    triage = next(h for h in board.handling if h["metric"] == "triage")
    assert triage["p50"] == 17.0


def test_the_coordinator_filters_by_organisation(refreshed, coordinator, org_b):
    assert dashboard(coordinator, Filters(JULY, organisation=org_b)).totals["cases"] == 2


def test_an_officer_cannot_widen_her_scope_with_the_organisation_filter(client, refreshed, alice):
    client.force_login(alice)
    response = client.get(API + "&organisation=ORGB")
    assert response.status_code == 200
    assert response.json()["totals"]["cases"] == 3


def test_the_api_answers_per_organisation(client, refreshed, alice, charlie, coordinator):
    for user, cases in ((alice, 3), (charlie, 2), (coordinator, 5)):
        client.force_login(user)
        assert client.get(API).json()["totals"]["cases"] == cases


def test_the_drill_down_lists_only_visible_cases(client, refreshed, charlie):
    client.force_login(charlie)
    html = client.get("/staff/stats/cases/?kind=month&period=2025-07").content.decode()
    refs = {c.reference for c in refreshed["july"]}
    shown = {ref for ref in refs if ref in html}
    assert shown == {refreshed["july"][1].reference, refreshed["july"][3].reference}


def test_people_without_case_insight_get_no_statistics(client, refreshed, org_a):
    volunteer = make_user(email="v@a.example", organisation=org_a, role=Role.VOLUNTEER)
    client.force_login(volunteer)
    assert client.get("/staff/stats/").status_code == 403
    assert client.get(API).status_code == 403
    assert client.get("/staff/stats/reports/").status_code == 403
    assert dashboard(volunteer, Filters(JULY)).totals["cases"] == 0


def test_anonymous_visitors_are_sent_to_login_and_the_api_refuses_them(client, refreshed):
    assert client.get("/staff/stats/").status_code == 302
    assert client.get(API).status_code == 401


def test_officers_do_not_get_the_steering_board_reports(client, refreshed, alice):
    client.force_login(alice)
    assert client.get("/staff/stats/reports/").status_code == 403
