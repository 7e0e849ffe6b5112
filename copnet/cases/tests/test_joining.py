from __future__ import annotations

import pytest

from copnet.cases.choices import Outcome
from copnet.cases.services import do_transition
from copnet.reports.tests.factories import file_report, make_image

pytestmark = pytest.mark.usefixtures("reference_data", "evidence_dir")


@pytest.mark.django_db
def test_a_duplicate_url_joins_the_open_case(db):
    first, _ = file_report(urls=["https://Example.com/p/1#top"])
    second, _ = file_report(category="privacy", urls=["http://example.com:80/p/1"])
    assert second.case_id == first.case_id
    first.case.refresh_from_db()
    assert first.case.report_count == 2
    assert first.case.events.filter(kind="report_added").count() == 1


@pytest.mark.django_db
def test_the_same_image_joins_the_open_case(db):
    image = make_image(5)
    first, _ = file_report(images=[image])
    second, _ = file_report(images=[image], description="lại ảnh đó")
    assert second.case_id == first.case_id


@pytest.mark.django_db
def test_a_different_url_opens_a_new_case(db):
    first, _ = file_report(urls=["https://example.com/p/1"])
    second, _ = file_report(urls=["https://example.com/p/2"])
    assert second.case_id != first.case_id


@pytest.mark.django_db
def test_a_closed_case_is_not_joined(db):
    first, _ = file_report(urls=["https://example.com/p/1"])
    do_transition(
        case=first.case,
        target="rejected",
        outcome=Outcome.NOT_HARMFUL,
        actor=None,
        reason="not harmful",
    )
    second, _ = file_report(urls=["https://example.com/p/1"])
    assert second.case_id != first.case_id


def _checked(url: str, **fields):
    from copnet.reports.services import ReportInput, check_report

    return check_report(
        ReportInput(
            category=fields.pop("category", "cyberbullying"),
            description="x",
            urls=[url] if url else [],
            **fields,
        )
    )


@pytest.mark.django_db
def test_one_batch_joins_existing_cases_and_its_own_new_ones(db):
    from copnet.cases.models import Case
    from copnet.reports.services import submit_reports

    old, _ = file_report(urls=["https://example.com/old"])
    saved = submit_reports(
        [
            _checked("https://example.com/new"),  # opens a case
            _checked("https://EXAMPLE.com/old"),  # joins the existing case
            _checked("https://example.com/new#again", in_danger=True),  # joins the first one
            _checked("https://example.com/other"),  # opens another case
            _checked("http://example.com/old"),  # joins the existing case again
            _checked(""),  # no address: always a case of its own
        ],
        channel="api",
        enqueue_triage=False,
    )
    cases = [report.case_id for report, _secret in saved]
    assert cases[1] == cases[4] == old.case_id
    assert cases[0] == cases[2]
    assert len({cases[0], cases[3], cases[5], old.case_id}) == 4
    first, existing = Case.objects.get(pk=cases[0]), Case.objects.get(pk=old.case_id)
    assert (first.report_count, first.in_danger) == (2, True)
    assert existing.report_count == 3
    assert existing.events.filter(kind="report_added").count() == 2
    assert first.events.filter(kind="created").count() == 1
    assert first.events.filter(kind="report_added").count() == 1
    assert len({secret for _report, secret in saved}) == 6


@pytest.mark.django_db
def test_the_earliest_open_case_wins_when_a_report_matches_two(db):
    first, _ = file_report(urls=["https://example.com/a"])
    second, _ = file_report(urls=["https://example.com/b"])
    third, _ = file_report(urls=["https://example.com/b", "https://example.com/a"])
    assert third.case_id == first.case_id != second.case_id
