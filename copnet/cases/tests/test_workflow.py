from __future__ import annotations

import pytest

from copnet.audit.models import AuditEvent
from copnet.cases.choices import CaseStatus
from copnet.cases.errors import WorkflowError
from copnet.cases.services import (
    do_add_note,
    do_reassign,
    do_record_action,
    do_transition,
    triage_case,
)
from copnet.core.workflow import TransitionError
from copnet.network.models import Organisation
from copnet.reports.tests.factories import file_report

pytestmark = pytest.mark.usefixtures("reference_data", "evidence_dir")


@pytest.fixture
def case(db):
    report, _ = file_report()
    return triage_case(report.case_id)


@pytest.mark.django_db
@pytest.mark.parametrize("target", [CaseStatus.CLOSED, CaseStatus.ACTION_TAKEN, CaseStatus.NEW])
def test_a_case_cannot_skip_steps(case, coordinator, target):
    with pytest.raises(TransitionError) as error:
        do_transition(case=case, target=target, actor=coordinator)
    assert error.value.code == "invalid_transition"
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSIGNED


@pytest.mark.django_db
def test_closing_needs_an_outcome(case, coordinator):
    do_transition(case=case, target="in_progress", actor=coordinator)
    do_transition(case=case, target="action_taken", actor=coordinator)
    with pytest.raises(TransitionError) as error:
        do_transition(case=case, target="closed", actor=coordinator)
    assert error.value.code == "outcome_required"
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTION_TAKEN


@pytest.mark.django_db
def test_rejecting_needs_a_rejection_reason(case, coordinator):
    with pytest.raises(TransitionError) as error:
        do_transition(case=case, target="rejected", outcome="content_removed", actor=coordinator)
    assert error.value.code == "rejection_reason_required"
    closed = do_transition(
        case=case,
        target="rejected",
        outcome="out_of_scope",
        actor=coordinator,
        reason="không thuộc phạm vi",
    )
    assert closed.status == CaseStatus.REJECTED
    assert closed.next_due is None


@pytest.mark.django_db
def test_merging_moves_the_reports(case, coordinator):
    other_report, _ = file_report(urls=["https://x.example/"])
    other = triage_case(other_report.case_id)
    merged = do_transition(
        case=other, target="merged", merge_into=case, actor=coordinator, reason="trùng"
    )
    case.refresh_from_db()
    assert merged.merged_into == case
    assert case.reports.count() == 2
    assert case.report_count == 2


@pytest.mark.django_db
def test_reassigning_needs_a_reason_and_is_recorded(case, coordinator):
    a05 = Organisation.objects.get(code="A05")
    with pytest.raises(WorkflowError) as refused:
        do_reassign(case=case, lead=a05, supporting=[], reason=" ", actor=coordinator)
    assert refused.value.code == "reason_required"
    do_reassign(
        case=case, lead=a05, supporting=[a05], reason="có dấu hiệu tội phạm", actor=coordinator
    )
    case.refresh_from_db()
    assert case.lead_org == a05
    assert list(case.supporting_orgs.all()) == []
    event = AuditEvent.objects.get(target_id=str(case.pk), reason="case reassigned")
    assert event.note == "có dấu hiệu tội phạm"  # typed text: encrypted, erased by the purge


@pytest.mark.django_db
def test_actions_set_the_first_action_time_once(case, coordinator):
    first = do_record_action(case=case, kind="removal_requested", note="", actor=coordinator)
    do_record_action(case=case, kind="advice_given", note="", actor=coordinator)
    case.refresh_from_db()
    assert case.first_action_at == first.at
    with pytest.raises(WorkflowError) as refused:
        do_record_action(case=case, kind="launch_missiles", note="", actor=coordinator)
    assert refused.value.code == "invalid_action"


@pytest.mark.django_db
def test_notes_are_encrypted_and_empty_ones_refused(case, coordinator):
    from django.db import connection

    do_add_note(case=case, text="Phụ huynh đã gọi lại", actor=coordinator)
    with pytest.raises(WorkflowError) as refused:
        do_add_note(case=case, text="  ", actor=coordinator)
    assert refused.value.code == "empty_note"
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM cases_caseevent WHERE kind = 'note'")
        (stored,) = cursor.fetchone()
    assert "Phụ huynh" not in stored


@pytest.mark.django_db
def test_triage_is_idempotent(case):
    again = triage_case(case.pk)
    assert again.status == CaseStatus.ASSIGNED
    assert again.events.filter(kind="assigned").count() == 1


@pytest.mark.django_db
def test_deadlines_follow_category_and_priority(db):
    report, _ = file_report(category="grooming")
    case = triage_case(report.case_id)
    assert (case.ack_due - case.created_at).total_seconds() == 3600
    assert (case.action_due - case.created_at).total_seconds() == 12 * 3600
    assert case.next_due == case.ack_due
