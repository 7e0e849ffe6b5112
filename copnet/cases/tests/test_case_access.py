"""Need-to-know: agency users see only their cases; volunteers never see case content."""

from __future__ import annotations

import pytest

from copnet.accounts.choices import Role
from copnet.accounts.tests.factories import make_user
from copnet.cases.services import do_reassign, triage_case
from copnet.network.models import Organisation
from copnet.reports.tests.factories import file_report, make_image

pytestmark = pytest.mark.usefixtures("reference_data", "evidence_dir")


@pytest.fixture
def b_case(db, org_b):
    report, _ = file_report(images=[make_image(4)])
    case = triage_case(report.case_id)
    return do_reassign(case=case, lead=org_b, supporting=[], reason="test", actor=None)


def routes(case):
    evidence = case.reports.first().evidence.first()
    return [
        ("get", f"/staff/cases/{case.reference}/"),
        ("post", f"/staff/cases/{case.reference}/transition/"),
        ("post", f"/staff/cases/{case.reference}/actions/"),
        ("post", f"/staff/cases/{case.reference}/notes/"),
        ("post", f"/staff/cases/{case.reference}/message/"),
        ("get", f"/staff/cases/evidence/{evidence.pk}/preview/"),
        ("post", f"/staff/cases/evidence/{evidence.pk}/reveal/"),
        ("get", f"/staff/cases/evidence/{evidence.pk}/original/"),
    ]


@pytest.mark.django_db
def test_an_officer_of_another_organisation_gets_404_everywhere(client, alice, b_case):
    client.force_login(alice)
    for method, url in routes(b_case):
        response = getattr(client, method)(
            url, {"text": "x", "kind": "advice_given", "target": "in_progress"}
        )
        assert response.status_code == 404, url
    b_case.refresh_from_db()
    assert b_case.status == "assigned"
    assert b_case.reference not in client.get("/staff/cases/?status=all").content.decode()


@pytest.mark.django_db
def test_the_lead_organisation_sees_its_case(client, charlie, b_case):
    client.force_login(charlie)
    assert client.get(f"/staff/cases/{b_case.reference}/").status_code == 200
    assert b_case.reference in client.get("/staff/cases/").content.decode()


@pytest.mark.django_db
def test_a_supporting_organisation_sees_the_case(client, alice, org_a, org_b, b_case):
    do_reassign(case=b_case, lead=org_b, supporting=[org_a], reason="support", actor=None)
    client.force_login(alice)
    assert client.get(f"/staff/cases/{b_case.reference}/").status_code == 200


@pytest.mark.django_db
def test_volunteers_reach_no_case_content(client, org_b, b_case):
    volunteer = make_user(email="v@b.example", organisation=org_b, role=Role.VOLUNTEER)
    client.force_login(volunteer)
    assert client.get("/staff/cases/").status_code == 403
    for method, url in routes(b_case):
        assert getattr(client, method)(url).status_code in {403, 404}, url


@pytest.mark.django_db
def test_standing_agency_analysts_see_every_case(client, b_case):
    analyst = make_user(
        email="an@vncert.example",
        role=Role.ANALYST,
        organisation=Organisation.objects.get(code="VNCERT"),
    )
    client.force_login(analyst)
    assert client.get(f"/staff/cases/{b_case.reference}/").status_code == 200


@pytest.mark.django_db
def test_observers_may_look_but_not_act(client, org_b, b_case):
    observer = make_user(email="o@b.example", organisation=org_b, role=Role.OBSERVER)
    client.force_login(observer)
    assert client.get(f"/staff/cases/{b_case.reference}/").status_code == 200
    response = client.post(
        f"/staff/cases/{b_case.reference}/transition/", {"target": "in_progress"}
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_viewing_a_case_is_audited(client, charlie, b_case):
    from copnet.audit.models import AuditEvent

    client.force_login(charlie)
    client.get(f"/staff/cases/{b_case.reference}/")
    assert AuditEvent.objects.filter(
        action="view", target_type="cases.case", target_id=str(b_case.pk), actor=charlie
    ).exists()


@pytest.mark.django_db
def test_the_queue_puts_priority_first_then_the_nearest_deadline(client, coordinator):
    low, _ = file_report(category="other", urls=["https://a.example/"])
    high, _ = file_report(category="csam", urls=["https://b.example/"])
    mid, _ = file_report(category="violence", urls=["https://c.example/"])
    for report in (low, high, mid):
        triage_case(report.case_id)
    client.force_login(coordinator)
    html = client.get("/staff/cases/").content.decode()
    order = [html.index(r.case.reference) for r in (high, mid, low)]
    assert order == sorted(order)


def _closed(case):
    from copnet.cases.services import do_transition

    for step in ("in_progress", "action_taken"):
        case = do_transition(case=case, target=step, actor=None)
    return do_transition(case=case, target="closed", outcome="content_removed", actor=None)


@pytest.mark.django_db
def test_an_analyst_of_the_lead_adds_a_closed_cases_hashes_to_the_confirmed_bank(
    client, org_b, b_case
):
    from copnet.banks.models import BankEntry

    case = _closed(b_case)
    officer = make_user(email="officer@b.example", organisation=org_b, role=Role.OFFICER)
    client.force_login(officer)
    url = f"/staff/cases/{case.reference}/confirm-hashes/"
    assert client.post(url).status_code == 403
    assert not BankEntry.objects.exists()

    analyst = make_user(email="analyst@b.example", organisation=org_b, role=Role.ANALYST)
    client.force_login(analyst)
    assert client.post(url).status_code in (200, 302)
    assert set(BankEntry.objects.values_list("signal_type", flat=True)) >= {"sha256", "md5"}
