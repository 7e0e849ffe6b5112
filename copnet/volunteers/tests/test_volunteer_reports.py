"""The simplified reporting path, higher initial trust, and feedback on the outcome."""

from __future__ import annotations

import pytest
from django.core import mail

from copnet.cases.models import Case
from copnet.cases.services import do_transition, triage_case
from copnet.core.urlnorm import normalise_url
from copnet.reports.models import Report
from copnet.reports.services import url_lookup_key
from copnet.reports.tests.factories import file_report
from copnet.volunteers.models import VolunteerReport
from copnet.volunteers.services.reporting import refresh_report_outcomes

from .factories import birth_date, make_volunteer

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("reference_data", "evidence_dir"),
]


def send(client, volunteer, url="https://scam.example/win", **fields):
    client.force_login(volunteer.user)
    data = {"category": "scam_gambling", "urls": url, "description": "Lừa trẻ nạp thẻ"}
    data.update(fields)
    return client.post("/volunteers/report/", data)


def test_a_volunteer_reports_through_the_short_form(client, volunteer):
    response = send(client, volunteer)
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.channel == "volunteer"
    assert report.submitted_by == volunteer.user
    assert report.province == volunteer.province
    link = VolunteerReport.objects.get()
    assert (link.volunteer, link.trusted, link.outcome) == (volunteer, False, "pending")


def test_bad_report_input_is_refused_and_nothing_saved(client, volunteer):
    response = send(client, volunteer, url="javascript:alert(1)", description="")
    assert response.status_code == 200
    assert Report.objects.count() == VolunteerReport.objects.count() == 0


def test_a_trusted_volunteer_s_report_starts_with_higher_trust(client, coordinator, volunteer):
    trusted = make_volunteer(coordinator, level="trusted", email="trusted@example.vn")
    send(client, volunteer, url="https://scam.example/a")
    send(client, trusted, url="https://scam.example/b")
    plain_case = Case.objects.get(reports__volunteer_link__volunteer=volunteer)
    trusted_case = Case.objects.get(reports__volunteer_link__volunteer=trusted)
    triage_case(plain_case.pk)
    triage_case(trusted_case.pk)
    plain_case.refresh_from_db()
    trusted_case.refresh_from_db()
    assert VolunteerReport.objects.get(volunteer=trusted).trusted
    assert trusted_case.priority == plain_case.priority - 1


def test_the_volunteer_learns_the_outcome_without_the_case_content(
    client, coordinator, volunteer, immediate_tasks, django_capture_on_commit_callbacks
):
    send(client, volunteer, url="https://scam.example/1")
    send(client, volunteer, url="https://scam.example/2")

    def case_of(url: str) -> Case:  # addresses are encrypted: found by their keyed hash
        return Case.objects.get(reports__urls__url_key=url_lookup_key(normalise_url(url)))

    confirmed, rejected = case_of("https://scam.example/1"), case_of("https://scam.example/2")
    assert refresh_report_outcomes() == 0
    for status in ["triaged", "assigned", "in_progress", "action_taken", "closed"]:
        do_transition(
            case=confirmed,
            target=status,
            actor=coordinator,
            outcome="content_removed" if status == "closed" else "",
            reason="Ghi chú nội bộ: tài khoản của đối tượng Z",
        )
    do_transition(case=rejected, target="rejected", actor=coordinator, outcome="not_harmful")
    with django_capture_on_commit_callbacks(execute=True):
        assert refresh_report_outcomes() == 2
    assert refresh_report_outcomes() == 0
    outcomes = dict(VolunteerReport.objects.values_list("report__case_id", "outcome"))
    assert outcomes == {confirmed.pk: "confirmed", rejected.pk: "not_harmful"}
    assert len(mail.outbox) == 2
    assert all("đối tượng Z" not in m.body for m in mail.outbox)
    page = client.get("/volunteers/reports/").content.decode()
    assert "outcome-confirmed" in page
    assert "outcome-not_harmful" in page
    assert "đối tượng Z" not in page


def test_a_minor_s_report_form_has_no_picture_upload(client, coordinator):

    minor = make_volunteer(
        coordinator,
        date_of_birth=birth_date(16),
        guardian_name="Bố",
        guardian_relationship="Bố",
        guardian_email="bo2@example.vn",
    )
    client.force_login(minor.user)
    assert 'name="images"' not in client.get("/volunteers/report/").content.decode()


def test_the_older_volunteer_form_sends_volunteers_to_their_short_form(client, volunteer):
    client.force_login(volunteer.user)
    for response in (
        client.get("/report/volunteer/"),
        client.post("/report/volunteer/", {"category": "other", "urls": "https://old.example/x"}),
    ):
        assert response.status_code == 302
        assert response["Location"] == "/volunteers/report/"
    assert Report.objects.count() == 0


def test_reports_from_the_older_volunteer_form_get_feedback_too(client, coordinator, volunteer):
    # Filed before volunteers had their own form: channel "volunteer", no VolunteerReport link.
    report, _secret = file_report(
        category="other", channel="volunteer", actor=volunteer.user, urls=["https://old.example/x"]
    )
    assert report.submitted_by == volunteer.user
    do_transition(case=report.case, target="rejected", actor=coordinator, outcome="out_of_scope")
    assert refresh_report_outcomes() == 1
    link = VolunteerReport.objects.get()
    assert (link.report, link.volunteer, link.outcome) == (report, volunteer, "not_harmful")
