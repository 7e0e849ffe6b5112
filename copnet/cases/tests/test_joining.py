from __future__ import annotations

import pytest

from copnet.cases.choices import Outcome
from copnet.cases.services import do_transition
from copnet.reports.tests.factories import file_report, make_image

pytestmark = pytest.mark.usefixtures("reference_data", "evidence_dir")


@pytest.mark.django_db
def test_a_duplicate_url_joins_the_open_case(db):
    first, _ = file_report(urls=["https://Example.com/p/1#top"])
    second, _ = file_report(category="violence", urls=["http://example.com:80/p/1"])
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
