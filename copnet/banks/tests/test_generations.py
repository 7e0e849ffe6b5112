"""Every change to a bank or list takes the next generation; the engine follows it before
every match, adding what is new and rebuilding only when a bank or list was switched."""

from __future__ import annotations

import pytest
from django.db import transaction

from copnet.banks import curation, engine, generations, services
from copnet.banks.choices import ChangeKind
from copnet.banks.models import BankEntry, DetectionChange, UrlListEntry
from copnet.banks.services import match_hashes, match_urls
from copnet.reports.tests.factories import make_image

from .factories import (
    MD5_A,
    PDQ_A,
    PDQ_CLOSE,
    add_hash,
    add_url,
    close_case,
    make_bank,
    make_url_list,
    triaged_case,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_engine")]


def matched(value: str, signal_type: str = "pdq") -> list[str]:
    return [m.entry.value for m in match_hashes([(signal_type, value)])[0]]


def test_every_kind_of_change_takes_the_next_generation_and_stamps_what_it_adds(
    reference_data,
):
    bank, url_list = make_bank(), make_url_list()
    assert generations.current() == (0, 0)  # creating an empty bank or list changes nothing

    entry = add_hash(bank, PDQ_A)
    url = add_url(url_list, "bad.example")
    services.import_hashes(bank=bank, text=f"md5 {MD5_A}\npdq {PDQ_A}\n", actor=None)
    services.import_urls(url_list=url_list, text="worse.example\n", actor=None)
    curation.do_set_entry_active(entry=entry, active=False, actor=None)
    curation.do_set_url_list_active(url_list=url_list, active=False, actor=None)
    curation.do_set_url_list_active(url_list=url_list, active=True, actor=None)

    assert entry.generation == 1
    assert url.generation == 2
    assert BankEntry.objects.get(value=MD5_A).generation == 3
    assert list(DetectionChange.objects.values_list("generation", "kind", "hashes", "urls")) == [
        (1, ChangeKind.ADDED, 1, 0),
        (2, ChangeKind.ADDED, 0, 1),
        (3, ChangeKind.ADDED, 1, 0),  # the PDQ hash was already in the bank
        (4, ChangeKind.ADDED, 0, 1),
        (5, ChangeKind.ENTRY, 0, 0),
        (6, ChangeKind.BANK_OFF, 0, 0),
        (7, ChangeKind.BANK_ON, 0, 2),  # switched back on: its entries are new again
    ]
    assert set(UrlListEntry.objects.values_list("generation", flat=True)) == {7}
    assert generations.current() == (7, 7)


def test_confirming_a_closed_cases_images_is_a_change_too(
    reference_data, evidence_dir, coordinator
):
    case = close_case(triaged_case(images=[make_image(23, size=512)]), coordinator)
    assert services.add_case_hashes_to_confirmed_bank(case=case, actor=coordinator) == 3
    assert set(BankEntry.objects.values_list("generation", flat=True)) == {1}
    assert DetectionChange.objects.get().hashes == 3


@pytest.mark.django_db(transaction=True)  # outside the test's own transaction
def test_a_change_must_run_in_a_transaction():
    with pytest.raises(RuntimeError):
        generations.begin_change()


def failing_import(bank: object) -> None:
    with transaction.atomic():
        generation = generations.begin_change()
        BankEntry.objects.create(bank=bank, signal_type="pdq", value=PDQ_A, generation=generation)
        raise RuntimeError("the import failed half-way")


def test_a_rolled_back_change_gives_its_generation_back(reference_data):
    bank = make_bank()
    with pytest.raises(RuntimeError, match="half-way"):
        failing_import(bank)
    assert generations.current() == (0, 0)
    assert matched(PDQ_A) == []
    assert add_hash(bank, PDQ_CLOSE).generation == 1
    assert matched(PDQ_A) == [PDQ_CLOSE]


def test_an_unchanged_generation_costs_one_query_per_match(
    reference_data, django_assert_num_queries
):
    add_hash(make_bank(), PDQ_A)
    engine.get_engine()
    with django_assert_num_queries(1):
        engine.get_engine()
    with django_assert_num_queries(2):  # the generation, then the matched entries' rows
        assert matched(PDQ_CLOSE) == [PDQ_A]


def test_new_entries_are_added_to_the_indexes_without_a_rebuild(reference_data):
    bank, url_list = make_bank(), make_url_list()
    add_hash(bank, PDQ_A)
    before = engine.get_engine()
    add_hash(bank, MD5_A, "md5")
    add_url(url_list, "bad.example")
    after = engine.get_engine()
    assert after is before
    assert after.generation == 3
    assert len(after.pdq) == 1
    assert len(after.exact["md5"]) == 1
    assert len(after.urls) == 1
    assert matched(MD5_A, "md5") == [MD5_A]
    assert [e.pattern for e in match_urls(["https://www.bad.example/x"])[0]] == ["bad.example"]


def test_switching_a_bank_off_and_on_rebuilds_and_matching_follows(reference_data):
    bank = make_bank()
    add_hash(bank, PDQ_A)
    first = engine.get_engine()
    assert matched(PDQ_A) == [PDQ_A]

    curation.do_set_bank_active(bank=bank, active=False, actor=None)
    assert matched(PDQ_A) == []
    assert len(engine.get_engine().pdq) == 0
    curation.do_set_bank_active(bank=bank, active=True, actor=None)
    assert matched(PDQ_A) == [PDQ_A]
    assert engine.get_engine() is not first
    assert len(engine.get_engine().pdq) == 1  # loaded once, not once per switch


def test_an_entry_switched_off_stops_matching_at_once_and_back_on_matches_again(reference_data):
    entry = add_hash(make_bank(), PDQ_A)
    assert matched(PDQ_A) == [PDQ_A]
    curation.do_set_entry_active(entry=entry, active=False, actor=None)
    assert matched(PDQ_A) == []
    curation.do_set_entry_active(entry=entry, active=True, actor=None)
    assert matched(PDQ_A) == [PDQ_A]
    assert len(engine.get_engine().pdq) == 1  # never loaded twice


def test_switching_a_bank_to_the_state_it_has_changes_no_entry(reference_data):
    bank = make_bank()
    add_hash(bank, PDQ_A)
    curation.do_set_bank_active(bank=bank, active=True, actor=None)
    assert BankEntry.objects.get().generation == 1
    assert DetectionChange.objects.get(generation=2).hashes == 0


def test_entries_from_before_generations_are_loaded(reference_data):
    bank = make_bank()
    BankEntry.objects.create(bank=bank, signal_type="pdq", value=PDQ_A, generation=0)
    assert matched(PDQ_A) == [PDQ_A]


def test_a_database_whose_generation_went_back_is_loaded_afresh(reference_data):
    bank = make_bank()
    add_hash(bank, PDQ_A)
    assert matched(PDQ_A) == [PDQ_A]
    # As after restoring a backup: the data and the generation are older than the indexes.
    BankEntry.objects.all().delete()
    DetectionChange.objects.all().delete()
    generations.DetectionGeneration.objects.all().delete()
    assert engine.get_engine().generation == 0
    assert len(engine.get_engine().pdq) == 0
