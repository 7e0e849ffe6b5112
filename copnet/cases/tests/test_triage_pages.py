"""The case page's triage and ownership forms: who may post them, and that bad or hostile
input is answered with a translated message and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from copnet.accounts.choices import Role
from copnet.accounts.tests.factories import make_user
from copnet.cases.models import Case, JoinProposal
from copnet.cases.proposals import propose_joins_now
from copnet.cases.triage_batch import triage_cases_now
from copnet.network.models import Organisation
from copnet.reports.tests.factories import file_report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "evidence_dir")]

HOSTILE = ["<script>alert(1)</script>", "' OR 1=1 --", "\u202eC26-AAAA", "x" * 5000, "%00"]


def _case(**fields: Any) -> Case:
    report, _ = file_report(**fields)
    triage_cases_now([report.case_id])
    return Case.objects.get(pk=report.case_id)


def _page(client: Any, case: Case) -> str:
    return client.get(f"/staff/cases/{case.reference}/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()


def _post(client: Any, case: Case, what: str, data: dict[str, Any]) -> str:
    response = client.post(
        f"/staff/cases/{case.reference}/{what}/", data, follow=True, HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert response.status_code == 200
    return response.content.decode()


def _snapshot(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (case.category_id, case.lead_org_id, case.assignee_id, case.status, case.events.count())


def test_an_officer_sees_take_but_not_the_correction_form_and_may_not_post_it():
    case = _case()
    hoa = make_user(
        email="hoa@moet.example",
        organisation=Organisation.objects.get(code="MOET-HSSV"),
        role=Role.OFFICER,
    )
    from django.test import Client

    client = Client()
    client.force_login(hoa)
    html = _page(client, case)
    assert 'value="take"' in html
    assert 'id="correct-triage"' not in html
    before = _snapshot(case)
    response = client.post(
        f"/staff/cases/{case.reference}/correct/",
        {"category": "csam", "priority": "1", "reason": "x"},
    )
    assert response.status_code == 403
    assert _snapshot(case) == before
    html = _post(client, case, "assign", {"action": "take"})
    assert Case.objects.get(pk=case.pk).assignee == hoa
    assert "Bạn đang xử lý vụ việc này." in html


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_merge_targets_and_reasons_change_nothing(client, coordinator, value):
    case = _case()
    client.force_login(coordinator)
    before = _snapshot(case)
    html = _post(client, case, "merge", {"into": value, "reason": value})
    assert _snapshot(case) == before
    assert "<script>alert(1)</script>" not in html
    assert ("Vui lòng chọn một vụ việc khác đang mở để gộp vào." in html) or (
        "Vui lòng kiểm tra lại biểu mẫu." in html
    )


@pytest.mark.parametrize("value", ["abc", "-1", "99999999", "1.5", "<b>"])
def test_a_bad_assignee_is_refused_with_a_message(client, coordinator, value):
    case = _case()
    client.force_login(coordinator)
    before = _snapshot(case)
    html = _post(client, case, "assign", {"assignee": value, "action": "assign"})
    assert _snapshot(case) == before
    assert ("Hãy chọn một người thuộc cơ quan chủ trì vụ việc." in html) or (
        "Vui lòng kiểm tra lại biểu mẫu." in html
    )


def test_assigning_someone_of_another_organisation_shows_the_reason(client, coordinator, charlie):
    case = _case()
    client.force_login(coordinator)
    before = _snapshot(case)
    html = _post(client, case, "assign", {"assignee": charlie.pk, "action": "assign"})
    assert _snapshot(case) == before
    assert "Hãy chọn một người thuộc cơ quan chủ trì vụ việc." in html


def test_a_correction_without_a_reason_shows_a_vietnamese_message(client, coordinator):
    case = _case()
    client.force_login(coordinator)
    before = _snapshot(case)
    html = _post(client, case, "correct", {"category": "csam", "priority": "1", "reason": ""})
    assert _snapshot(case) == before
    assert "Hãy nêu lý do sửa." in html


@pytest.mark.parametrize("code", ["NOPE", "<script>", ""])
def test_splitting_an_unknown_report_changes_nothing(client, coordinator, code):
    case = _case(urls=["https://example.com/1"])
    file_report(urls=["https://example.com/1"])
    client.force_login(coordinator)
    before = _snapshot(case)
    _post(client, case, "split", {"report": code, "reason": "x"})
    assert _snapshot(case) == before


def test_a_proposal_is_shown_on_both_cases_and_decided_from_the_page(client, coordinator):
    first = _case(category="cyberbullying", urls=["https://example.com/p/1"])
    second = _case(category="drugs", urls=["https://example.com/p/1"])
    propose_joins_now([second.pk])
    proposal = JoinProposal.objects.get()
    client.force_login(coordinator)
    for case in (first, second):
        assert f'data-proposal="{proposal.pk}"' in _page(client, case)
    other = _case(urls=["https://example.com/unrelated"])
    response = client.post(
        f"/staff/cases/{other.reference}/proposals/{proposal.pk}/", {"decision": "accept"}
    )
    assert response.status_code == 404  # not a proposal of this case
    html = _post(client, first, f"proposals/{proposal.pk}", {"decision": "reject"})
    assert "Các vụ việc được giữ riêng." in html
    assert JoinProposal.objects.get().status == "rejected"
    assert f'data-proposal="{proposal.pk}"' not in _page(client, first)
