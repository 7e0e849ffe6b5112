"""Correcting triage, splitting, merging and assigning a case: what changes, what is refused
(with which code), and that a refusal changes nothing (issue 17 items 2 and 3)."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from copnet.accounts.choices import Role
from copnet.accounts.tests.factories import make_user
from copnet.audit.models import AuditEvent
from copnet.cases.assignment import do_assign_person, do_return_case, do_take_case
from copnet.cases.choices import Outcome
from copnet.cases.corrections import (
    do_correct_triage,
    do_decide_suggestion,
    do_merge_cases,
    do_split_report,
)
from copnet.cases.models import Case, CategoryDecision
from copnet.cases.services import do_transition
from copnet.cases.triage_batch import triage_cases_now
from copnet.core.errors import DomainError
from copnet.core.models import OutgoingEmail
from copnet.network.models import Organisation
from copnet.reports.tests.factories import file_report
from copnet.taxonomy.models import HarmCategory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "evidence_dir")]


def _case(category: str = "cyberbullying", **fields: Any) -> Case:
    report, _secret = file_report(category=category, **fields)
    triage_cases_now([report.case_id])
    return Case.objects.get(pk=report.case_id)


def _state(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (
        case.category_id,
        case.priority,
        case.lead_org_id,
        sorted(case.supporting_orgs.values_list("pk", flat=True)),
        case.ack_due,
        case.action_due,
        case.close_due,
        case.status,
        case.assignee_id,
        case.report_count,
        sorted(case.reports.values_list("pk", flat=True)),
        case.events.count(),
        AuditEvent.objects.count(),
        OutgoingEmail.objects.count(),
        Case.objects.count(),
    )


def _refused(case: Case, call: Any) -> str:
    """The code `call` is refused with, once it is checked that the case did not change."""
    before = _state(case)
    with pytest.raises(DomainError) as caught:
        call()
    assert str(caught.value.message)  # a translated sentence, not a bare code
    assert _state(case) == before
    return str(caught.value.code)


def _officer(code: str, email: str, **extra: Any) -> Any:
    return make_user(
        email=email, organisation=Organisation.objects.get(code=code), role=Role.OFFICER, **extra
    )


# --- correcting triage -------------------------------------------------------------------------


def test_a_new_category_brings_its_lead_supporting_bodies_deadlines_and_priority(coordinator):
    case = _case()
    assert case.lead_org.code == "MOET-HSSV"
    csam = HarmCategory.objects.get(code="csam")
    do_correct_triage(case=case, category=csam, reason="ảnh xâm hại", actor=coordinator)
    case.refresh_from_db()
    assert case.category == csam
    assert case.lead_org.code == "A05"
    assert [o.code for o in case.supporting_orgs.all()] == ["MOCST-PTTH"]
    assert case.priority == 1
    assert case.ack_due == case.created_at + dt.timedelta(hours=1)
    assert case.action_due == case.created_at + dt.timedelta(hours=12)
    event = case.events.get(kind="corrected")
    assert event.text == "ảnh xâm hại"
    assert event.data["category"] == ["cyberbullying", "csam"]
    audit = AuditEvent.objects.get(target_type="cases.case", reason="triage corrected")
    assert audit.changes["lead_org"] == ["MOET-HSSV", "A05"]


def test_an_explicit_lead_is_kept_when_the_category_changes(coordinator):
    case = _case()
    cbmte = Organisation.objects.get(code="CBMTE")
    do_correct_triage(
        case=case,
        category=HarmCategory.objects.get(code="csam"),
        lead=cbmte,
        reason="CBMTE theo dõi",
        actor=coordinator,
    )
    case.refresh_from_db()
    assert case.lead_org == cbmte
    assert cbmte not in case.supporting_orgs.all()


def test_priority_alone_tightens_the_deadlines(coordinator):
    case = _case()
    do_correct_triage(case=case, priority=1, reason="trẻ đang gặp nguy", actor=coordinator)
    case.refresh_from_db()
    assert case.priority == 1
    assert case.category.code == "cyberbullying"
    assert case.action_due == case.created_at + dt.timedelta(hours=12)


@pytest.mark.parametrize("reason", ["", "   ", "\u200b\u202e\u2066", None])
def test_a_correction_without_a_reason_changes_nothing(coordinator, reason):
    case = _case()
    assert (
        _refused(
            case,
            lambda: do_correct_triage(
                case=case,
                category=HarmCategory.objects.get(code="csam"),
                reason=reason,
                actor=coordinator,
            ),
        )
        == "correction_reason_required"
    )


@pytest.mark.parametrize("priority", [0, 9, -1])
def test_a_priority_outside_the_list_is_refused(coordinator, priority):
    case = _case()
    assert (
        _refused(
            case,
            lambda: do_correct_triage(case=case, priority=priority, reason="x", actor=coordinator),
        )
        == "invalid"
    )


def test_a_correction_that_changes_nothing_is_refused(coordinator):
    case = _case()
    assert (
        _refused(
            case,
            lambda: do_correct_triage(
                case=case,
                category=case.category,
                priority=case.priority,
                reason="x",
                actor=coordinator,
            ),
        )
        == "nothing_changed"
    )


def test_a_closed_case_cannot_be_corrected(coordinator):
    case = _case()
    do_transition(
        case=case, target="rejected", outcome=Outcome.NOT_HARMFUL, actor=coordinator, reason="x"
    )
    assert (
        _refused(
            case, lambda: do_correct_triage(case=case, priority=1, reason="x", actor=coordinator)
        )
        == "case_closed"
    )


# --- the classifier's suggestion as a label ----------------------------------------------------


def _export() -> str:
    out = StringIO()
    call_command("export_text_labels", "--out", "-", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_accepting_the_suggestion_changes_the_category_and_labels_the_texts(coordinator):
    case = _case(description="nó đòi em gửi ảnh khỏa thân rồi dọa tung lên mạng")
    Case.objects.filter(pk=case.pk).update(
        suggested_category=HarmCategory.objects.get(code="sextortion")
    )
    assert "dọa tung" not in _export()  # an open case without a decision gives no label
    do_decide_suggestion(case=Case.objects.get(pk=case.pk), accept=True, actor=coordinator)
    case.refresh_from_db()
    assert case.category.code == "sextortion"
    decision = CategoryDecision.objects.get(case=case)
    assert (decision.accepted, decision.chosen.code, decision.decided_by) == (
        True,
        "sextortion",
        coordinator,
    )
    assert "nó đòi em gửi ảnh khỏa thân rồi dọa tung lên mạng,grooming,sextortion" in _export()


def test_rejecting_the_suggestion_keeps_the_category_and_labels_it(coordinator):
    case = _case(description="các bạn trong lớp lập nhóm chửi em mỗi ngày")
    Case.objects.filter(pk=case.pk).update(
        suggested_category=HarmCategory.objects.get(code="scam_gambling")
    )
    do_decide_suggestion(case=Case.objects.get(pk=case.pk), accept=False, actor=coordinator)
    case.refresh_from_db()
    assert case.category.code == "cyberbullying"
    assert CategoryDecision.objects.get(case=case).accepted is False
    assert "các bạn trong lớp lập nhóm chửi em mỗi ngày,bullying,cyberbullying" in _export()
    # decided once: no second decision
    assert (
        _refused(case, lambda: do_decide_suggestion(case=case, accept=True, actor=coordinator))
        == "no_suggestion"
    )


def test_a_case_without_a_suggestion_has_nothing_to_decide(coordinator):
    case = _case()
    assert (
        _refused(case, lambda: do_decide_suggestion(case=case, accept=True, actor=coordinator))
        == "no_suggestion"
    )


# --- assignment ----------------------------------------------------------------------------


def test_a_coordinator_assigns_a_person_of_the_lead_who_gets_an_email(coordinator):
    case = _case()
    hoa = _officer("MOET-HSSV", "hoa@moet.example")
    do_assign_person(case=case, assignee=hoa, actor=coordinator)
    case.refresh_from_db()
    assert case.assignee == hoa
    assert hoa.assigned_cases.get() == case
    email = OutgoingEmail.objects.get(key__startswith="cases.assignee:")
    assert email.recipients == ["hoa@moet.example"]
    assert case.reference in email.subject
    assert "/staff/cases/" in email.body
    assert case.events.filter(kind="person_assigned").exists()
    assert AuditEvent.objects.filter(target_type="cases.case", reason="case assigned").exists()


def test_assigning_someone_of_another_organisation_changes_nothing(coordinator, charlie):
    case = _case()
    assert (
        _refused(case, lambda: do_assign_person(case=case, assignee=charlie, actor=coordinator))
        == "assignee_outside_lead"
    )


def test_assigning_an_inactive_person_changes_nothing(coordinator):
    case = _case()
    gone = _officer("MOET-HSSV", "gone@moet.example", is_active=False)
    assert (
        _refused(case, lambda: do_assign_person(case=case, assignee=gone, actor=coordinator))
        == "assignee_inactive"
    )


def test_a_person_who_cannot_work_cases_is_not_assigned(coordinator):
    case = _case()
    reader = make_user(
        email="reader@moet.example",
        organisation=Organisation.objects.get(code="MOET-HSSV"),
        role=Role.OBSERVER,
    )
    assert (
        _refused(case, lambda: do_assign_person(case=case, assignee=reader, actor=coordinator))
        == "assignee_cannot_work"
    )


def test_an_officer_of_another_organisation_may_not_assign(charlie):
    case = _case()
    hoa = _officer("MOET-HSSV", "hoa@moet.example")
    assert (
        _refused(case, lambda: do_assign_person(case=case, assignee=hoa, actor=charlie))
        == "assign_forbidden"
    )


def test_an_officer_takes_an_unassigned_case_and_gives_it_back(coordinator):
    case = _case()
    hoa = _officer("MOET-HSSV", "hoa@moet.example")
    lan = _officer("MOET-HSSV", "lan@moet.example")
    do_take_case(case=case, actor=hoa)
    assert Case.objects.get(pk=case.pk).assignee == hoa
    assert not OutgoingEmail.objects.exists()  # nobody e-mails themselves
    assert _refused(case, lambda: do_take_case(case=case, actor=lan)) == "already_assigned"
    assert _refused(case, lambda: do_return_case(case=case, actor=lan)) == "not_assignee"
    do_return_case(case=case, actor=hoa, note="đi công tác")
    assert Case.objects.get(pk=case.pk).assignee is None


def test_an_officer_of_another_organisation_cannot_take_a_case(charlie):
    case = _case()
    assert _refused(case, lambda: do_take_case(case=case, actor=charlie)) == "assignee_outside_lead"


def test_a_new_lead_takes_the_case_from_an_assignee_of_the_old_one(coordinator):
    case = _case()
    hoa = _officer("MOET-HSSV", "hoa@moet.example")
    do_assign_person(case=case, assignee=hoa, actor=coordinator)
    do_correct_triage(
        case=case,
        category=HarmCategory.objects.get(code="csam"),
        reason="sai loại",
        actor=coordinator,
    )
    assert Case.objects.get(pk=case.pk).assignee is None


def test_the_workload_page_counts_open_and_overdue_cases_per_person(client, coordinator):
    hoa = _officer("MOET-HSSV", "hoa@moet.example")
    first, second = _case(), _case(urls=["https://example.com/other"])
    do_assign_person(case=first, assignee=hoa, actor=coordinator)
    do_assign_person(case=second, assignee=hoa, actor=coordinator)
    Case.objects.filter(pk=second.pk).update(next_due=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    _case(urls=["https://example.com/third"])  # unassigned
    client.force_login(hoa)
    html = client.get("/staff/cases/workload/").content.decode()
    assert 'data-person="hoa@moet.example" data-open="2" data-overdue="1"' in html
    assert 'id="unassigned" data-open="1"' in html


# --- split and merge ---------------------------------------------------------------------------


def test_a_report_is_split_into_its_own_case_of_its_own_category(coordinator):
    first, _ = file_report(urls=["https://example.com/p/1"])
    second, _ = file_report(category="privacy", urls=["https://example.com/p/1"])
    assert first.case_id == second.case_id
    case = Case.objects.get(pk=first.case_id)
    new = do_split_report(case=case, report=second, reason="khác vụ việc", actor=coordinator)
    second.refresh_from_db()
    case.refresh_from_db()
    assert second.case == new
    assert (case.report_count, new.report_count) == (1, 1)
    assert new.category.code == "privacy"
    assert new.lead_org.code == "A05"  # routed at once
    assert new.status == "assigned"
    assert case.events.get(kind="split").data["to"] == new.reference
    assert AuditEvent.objects.filter(reason="report split into its own case").count() == 2


def test_the_last_report_of_a_case_cannot_be_split_out(coordinator):
    report, _ = file_report()
    case = Case.objects.get(pk=report.case_id)
    assert (
        _refused(
            case, lambda: do_split_report(case=case, report=report, reason="x", actor=coordinator)
        )
        == "last_report"
    )


def test_a_report_of_another_case_cannot_be_split_from_this_one(coordinator):
    mine, _ = file_report(urls=["https://example.com/a"])
    file_report(urls=["https://example.com/a"])
    other, _ = file_report(urls=["https://example.com/b"])
    case = Case.objects.get(pk=mine.case_id)
    assert (
        _refused(
            case, lambda: do_split_report(case=case, report=other, reason="x", actor=coordinator)
        )
        == "report_not_in_case"
    )


def test_a_split_needs_a_reason(coordinator):
    first, _ = file_report(urls=["https://example.com/p/1"])
    second, _ = file_report(urls=["https://example.com/p/1"])
    case = Case.objects.get(pk=first.case_id)
    assert (
        _refused(
            case, lambda: do_split_report(case=case, report=second, reason=" ", actor=coordinator)
        )
        == "correction_reason_required"
    )


def test_two_cases_are_merged_with_a_reason(coordinator):
    older = _case(urls=["https://example.com/1"])
    newer = _case(urls=["https://example.com/2"], in_danger=True)
    do_merge_cases(case=newer, into=older, reason="cùng một kẻ", actor=coordinator)
    newer.refresh_from_db()
    older.refresh_from_db()
    assert (newer.status, newer.merged_into) == ("merged", older)
    assert older.report_count == 2
    assert older.in_danger
    assert older.priority == 1
    assert older.reports.count() == 2
    assert AuditEvent.objects.filter(target_type="cases.case", reason="status changed").exists()


def test_a_case_cannot_be_merged_into_itself(coordinator):
    case = _case()
    assert (
        _refused(case, lambda: do_merge_cases(case=case, into=case, reason="x", actor=coordinator))
        == "merge_same_case"
    )


def test_a_case_cannot_be_merged_into_a_closed_one(coordinator):
    case = _case(urls=["https://example.com/1"])
    closed = _case(urls=["https://example.com/2"])
    do_transition(
        case=closed, target="rejected", outcome=Outcome.NOT_HARMFUL, actor=coordinator, reason="x"
    )
    assert (
        _refused(
            case, lambda: do_merge_cases(case=case, into=closed, reason="x", actor=coordinator)
        )
        == "merge_target_closed"
    )
    assert (
        _refused(case, lambda: do_merge_cases(case=case, into=None, reason="x", actor=coordinator))
        == "merge_target_required"
    )


def test_a_merge_needs_a_reason(coordinator):
    case = _case(urls=["https://example.com/1"])
    other = _case(urls=["https://example.com/2"])
    assert (
        _refused(case, lambda: do_merge_cases(case=case, into=other, reason="", actor=coordinator))
        == "correction_reason_required"
    )
