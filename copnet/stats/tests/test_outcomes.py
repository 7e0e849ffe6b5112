"""What happened to children's reports: outcomes as a rollup dimension, time to outcome per
group (median and 90th percentile), on the dashboard and in the quarter's Board report."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from copnet.stats import rollups
from copnet.stats.periods import Period
from copnet.stats.reports import do_generate_report
from copnet.stats.selectors import Filters, dashboard
from copnet.taxonomy.models import HarmCategory

from .factories import at, make_case

pytestmark = pytest.mark.django_db
Q3 = Period("quarter", dt.date(2025, 7, 1))


@pytest.fixture
def outcomes_world(reference_data, org_a):
    rows = [
        ("content_removed", 10, "cyberbullying"),
        ("content_removed", 30, "cyberbullying"),
        ("content_removed", 50, "scam_gambling"),
        ("child_supported", 20, "cyberbullying"),
        ("referred_to_police", 100, "cyberbullying"),
        ("not_harmful", 5, "cyberbullying"),
        ("out_of_scope", 2, "scam_gambling"),
        ("", None, "cyberbullying"),  # still open
    ]
    for index, (outcome, close_h, category) in enumerate(rows):
        make_case(
            category=category,
            created=at(2025, 8, 1 + index),
            lead=org_a,
            status="closed" if close_h else "in_progress",
            outcome=outcome,
            triage_h=1,
            action_h=2,
            close_h=close_h,
        )
    rollups.refresh(now=at(2025, 10, 2))


def _by_group(board):
    return {o["group"]: o for o in board.outcomes}


def test_outcomes_are_counted_by_group_with_reasons_and_time_to_outcome(
    outcomes_world, coordinator
):
    groups = _by_group(dashboard(coordinator, Filters(Q3)))
    assert groups["removed"]["n"] == 3
    assert groups["removed"]["p50"] == 30.0
    assert groups["removed"]["p90"] == 46.0  # 30 + 0.8 × 20, as the other handling times
    assert groups["support"]["n"] == 1
    assert groups["police"]["n"] == 1
    assert groups["police"]["p50"] == 100.0
    assert groups["prosecuted"]["n"] is None  # not recorded: said so, never shown as 0
    assert groups["no_action"]["n"] == 2
    reasons = {r["value"]: r for r in groups["no_action"]["reasons"]}
    assert reasons["not_harmful"]["n"] == 1
    assert reasons["out_of_scope"]["p50"] == 2.0
    assert groups["open"]["n"] == 1
    assert sum(o["n"] or 0 for o in groups.values()) == 8
    assert groups["removed"]["share"] == 37.5


def test_a_filter_computes_the_same_figures_from_the_cases(outcomes_world, coordinator):
    scam = HarmCategory.objects.get(code="scam_gambling")
    groups = _by_group(dashboard(coordinator, Filters(Q3, category=scam)))
    assert groups["removed"]["n"] == 1
    assert groups["removed"]["p50"] == 50.0
    assert groups["no_action"]["n"] == 1
    assert groups["support"]["n"] == 0
    assert groups["support"]["p50"] is None


def test_outcomes_are_a_breakdown_that_drills_down(outcomes_world, coordinator, client):
    board = dashboard(coordinator, Filters(Q3))
    outcome = next(b for b in board.breakdowns if b.key == "outcome")
    assert {r["value"]: r["n"] for r in outcome.rows}["content_removed"] == 3
    client.force_login(coordinator)
    page = client.get("/staff/stats/cases/?kind=quarter&period=2025-Q3&outcome=content_removed")
    assert page.content.decode().count("data-case=") == 3


def test_the_quarter_board_report_shows_outcomes_in_pdf_and_xlsx(outcomes_world):
    report = do_generate_report(period=Q3, language="en")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(bytes(report.pdf))).pages)
    assert "Outcomes and time to outcome" in text
    assert "Content removed 3 37.5 % 30.0 46.0" in text
    assert "Prosecuted (where known) not recorded yet" in text
    book = load_workbook(io.BytesIO(bytes(report.xlsx)))
    sheet = book["Outcomes"]
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    assert ("Content removed", 3, 37.5, 30.0, 46.0) in rows
    assert report.figures["outcomes"][0]["group"] == "removed"
