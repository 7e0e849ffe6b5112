"""Every (from, to) that `cases.workflow.CASE` does not list is refused, and nothing changes."""

from __future__ import annotations

import pytest

from copnet.audit.models import AuditEvent
from copnet.cases.choices import CaseStatus
from copnet.cases.models import Case, CaseEvent
from copnet.cases.services import do_transition, triage_case
from copnet.cases.workflow import CASE
from copnet.core.workflow import INVALID_TRANSITION, TransitionError
from copnet.reports.tests.factories import file_report

pytestmark = pytest.mark.usefixtures("reference_data", "evidence_dir")

MANUAL_PAIRS = {(t.source, t.target) for t in CASE.transitions if not t.automatic}


def _snapshot(case: Case) -> tuple[object, ...]:
    row = Case.objects.values(
        "status", "outcome", "outcome_note", "closed_at", "merged_into", "report_count"
    ).get(pk=case.pk)
    return (row, CaseEvent.objects.count(), AuditEvent.objects.count())


def test_the_data_offers_what_the_page_used_to_offer():
    assert {
        ("new", "triaged"),
        ("triaged", "assigned"),
        ("assigned", "in_progress"),
        ("in_progress", "action_taken"),
        ("action_taken", "closed"),
        ("action_taken", "in_progress"),
        *(
            (s, t)
            for s in ("new", "triaged", "assigned", "in_progress")
            for t in ("rejected", "merged")
        ),
    } == MANUAL_PAIRS


@pytest.mark.django_db
@pytest.mark.parametrize("source", CaseStatus.values)
def test_every_pair_not_in_the_data_is_refused_and_changes_nothing(source, coordinator):
    report, _ = file_report()
    case = triage_case(report.case_id)
    other, _ = file_report(description="Một báo cáo khác")
    merge_into = triage_case(other.case_id)
    Case.objects.filter(pk=case.pk).update(status=source)
    refused = [t for t in CaseStatus.values if (source, t) not in MANUAL_PAIRS]
    assert refused
    for target in refused:
        before = _snapshot(case)
        with pytest.raises(TransitionError) as error:
            do_transition(
                case=case,
                target=target,
                actor=coordinator,
                reason="lý do",
                outcome="out_of_scope" if target == CaseStatus.REJECTED else "content_removed",
                merge_into=merge_into,
            )
        assert error.value.code == INVALID_TRANSITION, (source, target)
        assert _snapshot(case) == before, (source, target)
