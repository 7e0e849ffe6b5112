"""What staff type into a case loses bidi controls too, so the reporter and colleagues see it
as typed (D12)."""

from __future__ import annotations

import pytest

from copnet.cases.services import (
    do_add_note,
    do_record_action,
    do_send_report_message,
    do_transition,
)
from copnet.reports.tests.factories import file_report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "evidence_dir")]
RLO = "\u202e"


def test_notes_messages_actions_and_reasons_are_stored_without_format_controls(coordinator):
    report = file_report()[0]
    case = report.case
    note = do_add_note(case=case, text=f"ghi{RLO} chú", actor=coordinator)
    message = do_send_report_message(
        case=case, report=report, text=f"Đã{RLO} nhận", actor=coordinator
    )
    case = do_transition(case=case, target="triaged", actor=coordinator, reason=f"lý{RLO} do")
    action = do_record_action(
        case=case, kind="advice_given", note=f"tư{RLO} vấn", actor=coordinator
    )
    case.refresh_from_db()
    message.refresh_from_db()
    assert (note.text, message.text, action.note) == ("ghi chú", "Đã nhận", "tư vấn")
    assert case.events.get(kind="transition").text == "lý do"
