"""End to end: public report with images → case → triage → routed → officer acts → closed."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from copnet.accounts.choices import Role
from copnet.accounts.tests.factories import make_user
from copnet.audit.models import AuditEvent
from copnet.cases.choices import CaseStatus, Priority
from copnet.cases.models import Case
from copnet.network.models import ContactPoint, Organisation
from copnet.reports.models import Evidence, Report
from copnet.reports.tests.factories import make_image


@pytest.mark.django_db(transaction=True)
def test_public_report_is_triaged_routed_worked_and_closed(
    client, coordinator, immediate_tasks, evidence_dir
):
    moet = Organisation.objects.get(code="MOET-HSSV")
    ContactPoint.objects.create(
        organisation=moet, label="Desk", email="desk@moet.example", is_primary=True
    )
    response = client.post(
        "/report/",
        {
            "category": "cyberbullying",
            "description": "Bạn cùng lớp đăng ảnh chế giễu em",
            "urls": "https://Example.com/post/1#c",
            "child_age_band": "12-15",
            "province": "01",
            "images": [
                SimpleUploadedFile("a.png", make_image(1)),
                SimpleUploadedFile("b.jpg", make_image(2, fmt="JPEG")),
            ],
        },
    )
    assert response.status_code == 302
    receipt = client.get(response["Location"]).content.decode()
    report = Report.objects.get()
    assert report.tracking_code in receipt
    case = report.case
    assert case.status == CaseStatus.ASSIGNED
    assert case.lead_org == moet
    assert case.priority == Priority.P2
    assert Evidence.objects.filter(report=report, kind="image").count() == 2
    assert [m.to for m in mail.outbox] == [["desk@moet.example"]]
    assert case.reference in mail.outbox[0].body
    assert "chế giễu" not in mail.outbox[0].body  # no personal data in e-mail

    officer = make_user(email="officer@moet.example", organisation=moet, role=Role.OFFICER)
    client.force_login(officer)
    assert client.get(f"/staff/cases/{case.reference}/").status_code == 200
    client.post(f"/staff/cases/{case.reference}/transition/", {"target": "in_progress"})
    client.post(
        f"/staff/cases/{case.reference}/actions/",
        {"kind": "school_informed", "note": "Đã báo nhà trường"},
    )
    client.post(f"/staff/cases/{case.reference}/transition/", {"target": "action_taken"})
    client.post(
        f"/staff/cases/{case.reference}/transition/",
        {"target": "closed", "outcome": "content_removed", "reason": "Đã gỡ"},
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.acknowledged_at
    assert case.first_action_at
    assert case.closed_at
    assert case.outcome == "content_removed"
    transitions = AuditEvent.objects.filter(action="transition", target_id=str(case.pk))
    assert transitions.count() == 3
    assert {e.actor_label for e in transitions} == {"officer@moet.example"}


@pytest.mark.django_db(transaction=True)
def test_a_p1_case_is_also_sent_to_the_coordinators(
    client, coordinator, immediate_tasks, evidence_dir
):
    a05 = Organisation.objects.get(code="A05")
    ContactPoint.objects.create(
        organisation=a05, label="Duty", email="duty@a05.example", is_primary=True
    )
    client.post(
        "/report/", {"category": "grooming", "description": "Người lạ xin ảnh", "in_danger": "on"}
    )
    case = Case.objects.get()
    assert case.priority == Priority.P1
    assert case.lead_org == a05
    assert sorted(mail.outbox[0].to) == ["coord@vncert.example", "duty@a05.example"]
