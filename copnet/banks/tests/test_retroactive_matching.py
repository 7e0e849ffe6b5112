"""New hashes and addresses are matched against evidence already stored, in the background,
and their hits open or raise cases as live hits do."""

from __future__ import annotations

import pytest

from copnet.banks import curation, services
from copnet.banks.models import DetectionChange, DetectionHit
from copnet.banks.retro import match_past_evidence_now
from copnet.banks.tasks import match_past_evidence
from copnet.cases.choices import CaseStatus, EventKind, Priority
from copnet.cases.models import Case, CaseEvent
from copnet.core.schedule import schedule
from copnet.reports.evidence import inspect_image
from copnet.reports.tests.factories import make_image

from .factories import add_hash, close_case, make_bank, make_url_list, triaged_case

pytestmark = pytest.mark.usefixtures("fresh_engine", "reference_data", "evidence_dir")


@pytest.fixture
def run_after_commit(immediate_tasks, django_capture_on_commit_callbacks):
    """Background work runs as it would after the commit of the change."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def raised(case: Case) -> list[object]:
    event = case.events.filter(kind=EventKind.TRIAGED).order_by("pk").last()
    return event.data.get("changed", {}).get("priority") if event else None


@pytest.mark.django_db(transaction=True)
def test_a_new_bank_entry_matches_a_stored_old_image_and_raises_its_case(immediate_tasks):
    image = make_image(31, size=512)
    case = triaged_case(images=[image])
    assert case.priority == Priority.P4
    assert not case.hits.exists()

    bank = make_bank("iwf")
    add_hash(bank, inspect_image(image).pdq)  # commits; the matching runs after

    case.refresh_from_db()
    assert case.priority == Priority.P1
    assert case.keep_blurred
    assert case.suggested_category.code == "csam"
    hit = case.hits.get(kind="hash")
    assert (hit.bank_entry.bank, hit.distance) == (bank, 0)
    assert raised(case) == [Priority.P4, Priority.P1]
    assert DetectionChange.objects.get().matched_at is not None


@pytest.mark.django_db
def test_an_imported_md5_matches_a_stored_image_exactly(run_after_commit):
    image = make_image(32, size=512)
    case = triaged_case(images=[image])
    md5 = case.reports.get().evidence.get().md5
    with run_after_commit():
        services.import_hashes(bank=make_bank(), text=f"md5 {md5}\n", actor=None)
    case.refresh_from_db()
    assert case.priority == Priority.P1
    assert case.hits.get(kind="hash").bank_entry.value == md5


@pytest.mark.django_db
def test_an_imported_address_matches_a_reported_one_and_raises_its_case(run_after_commit):
    case = triaged_case(urls=["https://www.challenge.example/day-50"])
    other = triaged_case(urls=["https://harmless.example/"])
    url_list = make_url_list("challenges", category="self_harm")
    with run_after_commit():
        services.import_urls(url_list=url_list, text="challenge.example\n", actor=None)
    case.refresh_from_db()
    assert case.priority == Priority.P2
    assert case.suggested_category.code == "self_harm"
    assert case.hits.get(kind="url").url_entry.url_list == url_list
    assert not other.hits.exists()
    assert Case.objects.get(pk=other.pk).priority == other.priority


@pytest.mark.django_db
def test_a_closed_case_gets_the_hit_recorded_but_is_not_reopened(coordinator, run_after_commit):
    image = make_image(33, size=512)
    case = close_case(triaged_case(images=[image]), coordinator)
    events = case.events.count()
    with run_after_commit():
        add_hash(make_bank(), inspect_image(image).pdq)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.hits.filter(kind="hash").count() == 1
    assert case.events.count() == events


@pytest.mark.django_db
def test_matching_again_changes_nothing(run_after_commit):
    image = make_image(34, size=512)
    case = triaged_case(images=[image])
    with run_after_commit():
        add_hash(make_bank(), inspect_image(image).pdq)
    counts = (DetectionHit.objects.count(), CaseEvent.objects.count())
    # A second run finds no unmatched change; forcing the change again finds nothing new.
    assert match_past_evidence_now().generations == []
    DetectionChange.objects.update(matched_at=None)
    with run_after_commit():
        run = match_past_evidence_now()
    assert run.open_cases == [case.pk]
    assert (DetectionHit.objects.count(), CaseEvent.objects.count()) == counts


@pytest.mark.django_db
def test_a_change_whose_enqueue_was_lost_is_matched_by_the_periodic_run(run_after_commit):
    image = make_image(35, size=512)
    case = triaged_case(images=[image])
    add_hash(make_bank(), inspect_image(image).pdq)  # its after-commit enqueue never runs here
    assert Case.objects.get(pk=case.pk).priority == Priority.P4
    assert "match past evidence against new entries" in [entry.name for entry in schedule()]
    with run_after_commit():
        assert match_past_evidence.call() == 1
    assert Case.objects.get(pk=case.pk).priority == Priority.P1


@pytest.mark.django_db
def test_switched_off_and_expired_entries_are_not_matched_until_switched_on(run_after_commit):
    first, second = make_image(36, size=512), make_image(37, size=512)
    case_a, case_b = triaged_case(images=[first]), triaged_case(images=[second])
    bank = make_bank()
    curation.do_set_bank_active(bank=bank, active=False, actor=None)
    other = make_bank("other")
    with run_after_commit():  # the matching runs after all three
        add_hash(bank, inspect_image(first).pdq)
        entry = add_hash(other, inspect_image(second).pdq)
        curation.do_set_entry_active(entry=entry, active=False, actor=None)
    assert not DetectionHit.objects.exists()

    with run_after_commit():
        curation.do_set_bank_active(bank=bank, active=True, actor=None)
    assert Case.objects.get(pk=case_a.pk).priority == Priority.P1
    assert not Case.objects.get(pk=case_b.pk).hits.exists()


@pytest.mark.django_db
def test_confirming_a_closed_cases_images_raises_other_cases_with_them_not_itself(
    coordinator, run_after_commit
):
    image = make_image(38, size=512)
    source = close_case(triaged_case(images=[image]), coordinator)
    other = triaged_case(images=[image], description="Ảnh này lại được gửi ở nơi khác")
    assert other.pk != source.pk  # a closed case is not joined
    with run_after_commit():
        services.add_case_hashes_to_confirmed_bank(case=source, actor=coordinator)
    assert Case.objects.get(pk=other.pk).priority == Priority.P1
    assert other.hits.filter(kind="hash").count() == 3  # PDQ, MD5 and SHA-256
    assert not source.hits.exists()
