"""Supporting bodies see the reports and evidence their role needs, as the case's category says
(`HarmCategory.supporting_sees`), enforced in the one access path; the lead sees everything and
every case page view records which reports it showed."""

from __future__ import annotations

import pytest

from copnet.accounts.choices import Role
from copnet.accounts.permissions import (
    NEED_TO_KNOW,
    SEES_EVIDENCE,
    SEES_REPORTS,
    sees_case_evidence,
)
from copnet.accounts.tests.factories import make_user
from copnet.audit.models import AuditEvent
from copnet.cases.models import Case, ReportMessage
from copnet.cases.services import do_send_report_message
from copnet.reports.models import Evidence, Report, ReportUrl
from copnet.reports.tests.factories import file_report, make_image
from copnet.taxonomy.choices import SupportingSees
from copnet.taxonomy.models import HarmCategory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "evidence_dir")]


@pytest.fixture
def shared_case(org_a, org_b, coordinator):
    """A case led by organisation A and supported by B, with a picture, an address and a
    message to the reporter."""
    report, _secret = file_report(
        category="cyberbullying",
        description="DESCRIPTION-NTK-1",
        urls=["https://ntk.example/profile/1"],
        images=[make_image(5)],
    )
    case = report.case
    case.lead_org = org_a
    case.save(update_fields=["lead_org"])
    case.supporting_orgs.set([org_b])
    do_send_report_message(case=case, report=report, text="MESSAGE-NTK-1", actor=coordinator)
    return report


def set_level(level: str) -> None:
    HarmCategory.objects.filter(code="cyberbullying").update(supporting_sees=level)


def seen(user, report) -> tuple[bool, bool, bool, bool]:
    return (
        Report.objects.visible_to(user).filter(pk=report.pk).exists(),
        ReportUrl.objects.visible_to(user).filter(report=report).exists(),
        ReportMessage.objects.visible_to(user).filter(report=report).exists(),
        Evidence.objects.visible_to(user).filter(report=report).exists(),
    )


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (SupportingSees.SUMMARY, (False, False, False, False)),
        (SupportingSees.REPORTS, (True, True, True, False)),
        (SupportingSees.EVIDENCE, (True, True, True, True)),
    ],
)
def test_a_supporting_body_sees_what_the_category_allows_and_the_lead_sees_all(
    shared_case, alice, charlie, coordinator, level, expected
):
    set_level(level)
    assert seen(charlie, shared_case) == expected  # charlie: officer of the supporting body
    # ...and the detection hits on the evidence, shown on the case page, follow the evidence.
    case = Case.objects.select_related("category").get(pk=shared_case.case_id)
    assert sees_case_evidence(charlie, case) == expected[3]
    assert sees_case_evidence(alice, case)
    assert seen(alice, shared_case) == (True, True, True, True)  # alice: of the lead
    assert seen(coordinator, shared_case) == (True, True, True, True)  # network-wide


def test_the_case_page_of_a_supporting_body_hides_what_it_may_not_see_and_is_audited(
    client, shared_case, charlie
):
    case = shared_case.case
    evidence = Evidence.objects.get(report=shared_case, kind="image")
    client.force_login(charlie)

    set_level(SupportingSees.SUMMARY)
    html = client.get(f"/staff/cases/{case.reference}/", HTTP_ACCEPT_LANGUAGE="vi").content
    html = html.decode()
    assert case.reference in html  # the case itself: yes
    for secret in ("DESCRIPTION-NTK-1", "MESSAGE-NTK-1", "ntk.example", shared_case.tracking_code):
        assert secret not in html
    assert 'id="reports-not-shown"' in html
    assert client.get(f"/staff/cases/evidence/{evidence.pk}/preview/").status_code == 404
    viewed = AuditEvent.objects.filter(action="view", target_type="cases.case").latest("pk")
    assert (viewed.actor, viewed.changes["reports"]) == (charlie, [])
    # Nor may it write to a reporter it may not see.
    client.post(
        f"/staff/cases/{case.reference}/message/",
        {"report": shared_case.tracking_code, "text": "Chào"},
    )
    assert ReportMessage.objects.filter(report=shared_case).count() == 1

    set_level(SupportingSees.REPORTS)
    html = client.get(f"/staff/cases/{case.reference}/").content.decode()
    assert "DESCRIPTION-NTK-1" in html
    assert "MESSAGE-NTK-1" in html
    assert f"/staff/cases/evidence/{evidence.pk}/preview/" not in html
    assert client.get(f"/staff/cases/evidence/{evidence.pk}/preview/").status_code == 404
    viewed = AuditEvent.objects.filter(action="view", target_type="cases.case").latest("pk")
    assert (viewed.changes["reports"], viewed.changes["evidence"]) == (
        [shared_case.tracking_code],
        0,
    )

    set_level(SupportingSees.EVIDENCE)
    html = client.get(f"/staff/cases/{case.reference}/").content.decode()
    assert f"/staff/cases/evidence/{evidence.pk}/preview/" in html
    assert client.get(f"/staff/cases/evidence/{evidence.pk}/preview/").status_code == 200


def test_removal_requests_quote_the_reports_and_follow_them(shared_case, alice, charlie):
    from copnet.takedowns.models import RemovalItem, RemovalRequest
    from copnet.takedowns.tests.factories import make_platform, make_request

    removal = make_request(
        case=shared_case.case,
        platform=make_platform(),
        actor=alice,
        urls=["https://www.facebook.com/post/ntk"],
    )
    set_level(SupportingSees.SUMMARY)
    assert not RemovalRequest.objects.visible_to(charlie).filter(pk=removal.pk).exists()
    assert not RemovalItem.objects.visible_to(charlie).filter(request=removal).exists()
    assert RemovalRequest.objects.visible_to(alice).filter(pk=removal.pk).exists()
    set_level(SupportingSees.REPORTS)
    assert RemovalRequest.objects.visible_to(charlie).filter(pk=removal.pk).exists()
    assert RemovalItem.objects.visible_to(charlie).filter(request=removal).exists()


def test_an_organisation_that_is_both_lead_and_supporting_elsewhere_keeps_its_lead_view(
    shared_case, org_a, org_b
):
    """The narrowing applies to the supporting path only: the same body leading another case
    sees that case's reports whatever the category says."""
    set_level(SupportingSees.SUMMARY)
    other, _secret = file_report(category="cyberbullying", urls=["https://ntk.example/other"])
    other.case.lead_org = org_b
    other.case.save(update_fields=["lead_org"])
    officer = make_user(email="lead.b@b.example", organisation=org_b, role=Role.OFFICER)
    visible = set(Report.objects.visible_to(officer).values_list("pk", flat=True))
    assert visible == {other.pk}


def test_the_levels_named_in_the_access_module_are_the_taxonomys():
    assert {SupportingSees.REPORTS, SupportingSees.EVIDENCE} == SEES_REPORTS
    assert {SupportingSees.EVIDENCE} == SEES_EVIDENCE
    assert set(NEED_TO_KNOW) >= {
        "reports.report",
        "reports.reporturl",
        "reports.evidence",
        "cases.reportmessage",
    }
    # The reference taxonomy says it for every category.
    assert set(HarmCategory.objects.values_list("supporting_sees", flat=True)) <= set(
        SupportingSees.values
    )
    assert HarmCategory.objects.get(code="sextortion").supporting_sees == "evidence"
