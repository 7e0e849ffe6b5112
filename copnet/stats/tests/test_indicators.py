"""Every indicator against values computed by hand from the small_world fixture (see conftest)."""

from __future__ import annotations

import datetime as dt

import pytest

from copnet.stats.periods import Period
from copnet.stats.selectors import Filters, dashboard

pytestmark = pytest.mark.django_db

JULY = Period("month", dt.date(2025, 7, 1))


def rows(board, key):
    return {r["value"]: r["n"] for b in board.breakdowns if b.key == key for r in b.rows}


def test_totals_repeat_content_and_change_against_the_previous_month(refreshed, coordinator):
    board = dashboard(coordinator, Filters(JULY))
    assert board.totals["cases"] == 5
    assert board.totals["reports"] == 8
    assert board.totals["repeat_cases"] == 2
    assert board.totals["repeat_share"] == 40.0
    assert board.previous["cases"] == 2
    assert board.previous["reports"] == 2


def test_deadline_compliance(refreshed, coordinator):
    totals = dashboard(coordinator, Filters(JULY)).totals
    assert (totals["case_ack_met"], totals["case_ack_missed"]) == (3, 2)
    assert totals["ack_rate"] == 60.0
    assert totals["action_rate"] == 40.0
    assert totals["close_rate"] == 20.0


def test_breakdowns_by_every_dimension(refreshed, coordinator):
    board = dashboard(coordinator, Filters(JULY))
    assert rows(board, "category") == {"cyberbullying": 3, "scam_gambling": 2}
    # "74" (Bình Dương before 2025) is counted in Hồ Chí Minh City (79).
    assert rows(board, "province") == {"79": 2, "01": 2, "": 1}
    assert rows(board, "platform") == {"facebook": 2, "tiktok": 1, "zalo": 1, "": 1}
    assert rows(board, "org") == {"ORGA": 3, "ORGB": 1, "none": 1}
    assert rows(board, "status") == {"closed": 2, "in_progress": 1, "assigned": 1, "new": 1}
    assert rows(board, "age") == {"12-15": 2, "9-11": 1, "6-8": 1, "": 1}
    assert rows(board, "channel") == {"web": 3, "hotline": 2, "api": 2, "volunteer": 1}
    assert rows(board, "gender") == {"girl": 4, "boy": 2, "unknown": 1, "": 1}


def test_handling_time_median_and_90th_percentile(refreshed, coordinator):
    handling = {h["metric"]: h for h in dashboard(coordinator, Filters(JULY)).handling}
    assert (handling["triage"]["n"], handling["triage"]["p50"]) == (4, 5.0)
    assert handling["triage"]["p90"] == 22.8
    assert (handling["action"]["p50"], handling["action"]["p90"]) == (20.0, 52.0)
    assert (handling["close"]["p50"], handling["close"]["p90"]) == (250.0, 370.0)


def test_filters_map_old_province_codes_and_compute_handling_live(refreshed, coordinator):
    for code in ("79", "74"):
        board = dashboard(coordinator, Filters(JULY, province=code))
        assert board.totals["cases"] == 2
        triage = next(h for h in board.handling if h["metric"] == "triage")
        assert (triage["n"], triage["p50"]) == (2, 3.0)


def test_platform_filter_ignores_case_and_spaces(refreshed, coordinator):
    assert dashboard(coordinator, Filters(JULY, platform="Facebook")).totals["cases"] == 2


def test_monthly_trend_with_change(refreshed, coordinator):
    board = dashboard(coordinator, Filters(Period("year", dt.date(2025, 1, 1)), trend="month"))
    by_label = {p["label"]: p for p in board.series}
    assert by_label["06/2025"]["cases"] == 2
    assert by_label["07/2025"]["cases"] == 5
    assert by_label["07/2025"]["change"] == 150.0
    assert by_label["08/2025"]["change"] == -100.0
    assert board.totals["cases"] == 7


def test_weekly_trend_counts_each_case_in_its_week(refreshed, coordinator):
    series = dashboard(coordinator, Filters(JULY, trend="week")).series
    assert sum(p["cases"] for p in series) == 5
    # 2025-06-30 is the Monday of the week of 1 July.
    assert series[0]["start"] == dt.date(2025, 6, 30)
    assert [p["cases"] for p in series] == [1, 1, 1, 1, 1]


def test_quarter_and_year_periods(refreshed, coordinator):
    quarter = dashboard(coordinator, Filters(Period("quarter", dt.date(2025, 7, 1))))
    assert quarter.totals["cases"] == 5
    assert quarter.previous["cases"] == 2
    year = dashboard(coordinator, Filters(Period("year", dt.date(2025, 1, 1))))
    assert year.totals["cases"] == 7
    assert year.previous["cases"] == 0
