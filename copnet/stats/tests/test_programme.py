"""Programme indicators as data: targets and computations read from versioned files, shown
against target on the dashboard and in the Board's PDF and XLSX."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from copnet.cases.models import CaseAction
from copnet.stats import programme, rollups
from copnet.stats.periods import Period
from copnet.stats.reports import do_generate_report
from copnet.stats.selectors import Filters, dashboard

from .factories import at, make_case

Q1 = Period("quarter", dt.date(2026, 1, 1))


@pytest.fixture
def programme_dir(tmp_path, monkeypatch):
    """A copy of the programme files that a test may add to."""
    for path in programme.DIRECTORY.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.setattr(programme, "DIRECTORY", tmp_path)
    programme.programmes.cache_clear()
    yield tmp_path
    programme.programmes.cache_clear()


@pytest.fixture
def q1_world(reference_data, org_a):
    cases = [
        make_case(created=at(2026, 1, 5), lead=org_a, status="closed", outcome="child_supported",
                  triage_h=1, action_h=10, close_h=40),
        make_case(created=at(2026, 2, 5), lead=org_a, status="closed",
                  outcome="referred_to_police", triage_h=1, action_h=100, close_h=200),
        make_case(created=at(2026, 3, 5), lead=org_a, status="in_progress", triage_h=1,
                  action_h=5),
    ]  # fmt: skip
    # Referred for support through an action, not (yet) the outcome: counted once.
    CaseAction.objects.create(case=cases[2], kind="child_support")
    CaseAction.objects.create(case=cases[0], kind="child_support")
    rollups.refresh(now=at(2026, 4, 2))
    return cases


def test_a_new_programme_period_or_target_is_a_new_data_version(programme_dir):
    current = programme.programme_on(dt.date(2026, 6, 1))
    assert current.version == 1
    data = json.loads(next(programme_dir.glob("*.json")).read_text(encoding="utf-8"))
    data["version"] = 2
    data["indicators"][0]["target"] = 95
    (programme_dir / "vn-cop-2026-2030.v2.json").write_text(json.dumps(data), encoding="utf-8")
    data |= {"code": "vn-cop-2031-2035", "version": 1, "valid_from": "2031-01-01",
             "valid_to": "2035-12-31"}  # fmt: skip
    (programme_dir / "vn-cop-2031-2035.v1.json").write_text(json.dumps(data), encoding="utf-8")
    programme.programmes.cache_clear()
    assert programme.programme_on(dt.date(2026, 6, 1)).version == 2
    assert programme.programme_on(dt.date(2026, 6, 1)).indicators[0]["target"] == 95
    assert programme.programme_on(dt.date(2032, 1, 1)).code == "vn-cop-2031-2035"
    assert programme.programme_on(dt.date(2025, 6, 1)) is None


def test_a_programme_file_with_an_unknown_computation_is_refused(programme_dir):
    data = json.loads(next(programme_dir.glob("*.json")).read_text(encoding="utf-8"))
    data["indicators"][0]["computation"] = "DROP TABLE"
    (programme_dir / "broken.json").write_text(json.dumps(data), encoding="utf-8")
    programme.programmes.cache_clear()
    with pytest.raises(ValueError, match="broken.json: unknown computation"):
        programme.programme_on(dt.date(2026, 6, 1))


@pytest.mark.django_db
def test_indicators_are_computed_for_the_network_against_target(q1_world, coordinator, org_a):
    board = dashboard(coordinator, Filters(Q1))
    found = {i["key"]: i for i in board.programme}
    assert list(found) == [i["key"] for i in programme.programme_on(Q1.start).indicators]
    assert found["handled_in_time"]["value"] == 66.7  # 2 of 3 first actions within 48 h
    assert found["handled_in_time"]["status"] == "off_track"
    assert found["children_supported"]["value"] == 2
    assert found["children_supported"]["status"] is None  # monitored, no target
    assert found["offenders_dealt_with"]["value"] == 1
    assert found["volunteer_coverage"]["value"] == 0
    # A yearly count target is not compared within a quarter.
    assert found["classes_with_lessons"]["target"] == 1000
    assert found["classes_with_lessons"]["status"] is None
    # Not for an organisation's own view, nor under filters (they are Network figures).
    assert dashboard(coordinator, Filters(Q1, organisation=org_a)).programme == []


@pytest.mark.django_db
def test_the_quarter_board_report_shows_each_indicator_against_its_target(q1_world):
    report = do_generate_report(period=Q1, language="en")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(bytes(report.pdf))).pages)
    assert "Programme indicators against target" in text
    assert "Reports handled in time (first action) 66.7 % 100 % below target" in text
    assert "1000 / year" in text
    rows = [
        tuple(c.value for c in row)
        for row in load_workbook(io.BytesIO(bytes(report.xlsx)))["Programme"].iter_rows()
    ]
    assert ("Reports handled in time (first action)", 66.7, 100, "below target") in rows
    assert ("Children referred for support (100 % of those who ask)", 2, None, "–") in rows
    assert report.figures["programme"][0]["key"] == "handled_in_time"


@pytest.mark.django_db
def test_the_dashboard_shows_the_programme_table(q1_world, coordinator, client):
    client.force_login(coordinator)
    html = client.get("/staff/stats/?kind=quarter&period=2026-Q1").content.decode()
    assert 'data-testid="programme"' in html
    assert 'data-indicator="removal_in_time"' in html
