"""Spreadsheet-safe exports: every CSV and XLSX file COPNet writes goes through these helpers.

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel and
LibreOffice as a formula (`=HYPERLINK(...)` leaks data, DDE payloads run programs). Reporters
and partners type such text, so each text cell that would start one is prefixed with an
apostrophe: the file shows the text as typed, and no spreadsheet evaluates it. Numbers, dates
and booleans pass unchanged. (No Django imports.)
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

FORMULA_STARTS = frozenset("=+-@\t\r")
PREFIX = "'"


def inert_cell(value: Any) -> Any:
    """`value`, with an apostrophe in front if it is text a spreadsheet would evaluate."""
    if not isinstance(value, str) or not value:
        return value
    # "  =1+1" is still a formula for some spreadsheet programs: look past leading spaces.
    first = value.lstrip(" ")[:1]
    if value[0] in FORMULA_STARTS or first in FORMULA_STARTS:
        return PREFIX + value
    return value


def inert_row(values: Iterable[Any]) -> list[Any]:
    return [inert_cell(value) for value in values]


def restore_cell(value: str) -> str:
    """The text before `inert_cell`, for COPNet reading back its own export (a text that really
    began with an apostrophe before a formula character loses that apostrophe)."""
    if value.startswith(PREFIX) and value[1:].lstrip(" ")[:1] in FORMULA_STARTS:
        return value[1:]
    return value


def _one_line_ending(value: Any) -> Any:
    # csv quotes a field only for the characters of its own line terminator: with "\n", a
    # lone carriage return would pass unquoted and split the row for the reader.
    if isinstance(value, str) and "\r" in value:
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


class InertCsvWriter:
    """csv.writer whose rows go through `inert_row` (and carriage returns become line feeds,
    so that no cell can split a row)."""

    def __init__(self, out: SupportsWrite[str], **kwargs: Any) -> None:
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([_one_line_ending(v) for v in inert_row(row)])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: SupportsWrite[str], **kwargs: Any) -> InertCsvWriter:
    return InertCsvWriter(out, **kwargs)


def xlsx_append(sheet: Any, row: Iterable[Any]) -> None:
    """`sheet.append(row)` for an openpyxl worksheet, with every text cell made inert."""
    sheet.append(inert_row(row))
