from __future__ import annotations

import pytest

from copnet.accounts.choices import Role
from copnet.accounts.tests.factories import make_user
from copnet.network.models import Organisation
from copnet.reports.models import Report

pytestmark = pytest.mark.usefixtures("reference_data", "evidence_dir")


@pytest.mark.django_db
def test_a_hotline_operator_files_a_report_with_the_callers_consent(client):
    operator = make_user(
        email="op@111.example",
        role=Role.OFFICER,
        organisation=Organisation.objects.get(code="CBMTE"),
    )
    client.force_login(operator)
    response = client.post(
        "/report/hotline/",
        {
            "category": "sextortion",
            "description": "Người gọi kể bị dọa tung ảnh",
            "child_gender": "girl",
            "child_age_band": "12-15",
            "wants_contact": "on",
            "reporter_name": "Mẹ em",
            "reporter_contact": "0912345678",
            "reporter_kind": "parent",
        },
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.channel == "hotline"
    assert report.operator == operator
    assert report.child_gender == "girl"
    assert report.reporter_contact == "0912345678"


@pytest.mark.django_db
def test_a_volunteer_report_is_marked_as_such(client, org_a):
    volunteer = make_user(email="ctv@a.example", role=Role.VOLUNTEER, organisation=org_a)
    client.force_login(volunteer)
    response = client.post(
        "/report/volunteer/", {"category": "scam_gambling", "urls": "https://casino.example/"}
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.channel == "volunteer"
    assert report.submitted_by == volunteer


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "url"),
    [
        (Role.VOLUNTEER, "/report/hotline/"),
        (Role.OFFICER, "/report/volunteer/"),
        (Role.OBSERVER, "/report/hotline/"),
    ],
)
def test_staff_forms_are_limited_to_their_roles(client, org_a, role, url):
    client.force_login(make_user(email=f"{role}@a.example", role=role, organisation=org_a))
    assert client.post(url, {"category": "other", "description": "x"}).status_code == 403
    assert Report.objects.count() == 0
