"""The staff detection page shows the machine's PDQ index file (format version, size, hash
count, generation) and this process's delta not yet folded into it; `build_pdq_index` builds
the file at deploy and checks it in full."""

from __future__ import annotations

import re

import pytest
from django.core.management import CommandError, call_command

from copnet.banks import engine
from copnet.banks.services import match_hashes
from copnet.detection.pdqfile import read_header

from .factories import PDQ_A, PDQ_CLOSE, add_hash, make_bank

pytestmark = pytest.mark.django_db

PAGE = "/staff/detection/"


def field(page: str, name: str) -> str:
    found = re.search(rf'data-field="{name}">([^<]*)<', page)
    assert found, name
    return found.group(1).strip()


def test_the_detection_page_shows_the_index_file_and_the_pending_delta(
    analyst, reference_data, index_file
):
    bank = make_bank()
    add_hash(bank, PDQ_A)
    match_hashes([("pdq", PDQ_A)])  # this process opens (here: builds) the file
    add_hash(bank, PDQ_CLOSE)
    match_hashes([("pdq", PDQ_A)])
    page = analyst.get(PAGE).content.decode()
    assert field(page, "version") == "1"
    assert field(page, "hashes") == "1"
    assert field(page, "generation") == "1"
    assert field(page, "pending") == "2"  # the second entry: its tombstone and its hash
    assert field(page, "size")[0].isdigit()


def test_the_page_says_when_no_file_exists_yet_or_pdq_is_in_memory(
    analyst, reference_data, index_file, settings
):
    page = analyst.get(PAGE).content.decode()
    assert 'id="pdq-index-state"' in page
    assert "build_pdq_index" in page
    assert not index_file.exists()  # showing the page builds nothing

    settings.PDQ_INDEX_DIR = ""
    page = analyst.get(PAGE).content.decode()
    assert "COPNET_PDQ_INDEX_DIR" in page


def test_build_pdq_index_builds_the_file_and_verify_checks_it_in_full(index_file, capsys):
    bank = make_bank()
    add_hash(bank, PDQ_A)
    add_hash(bank, PDQ_CLOSE)
    call_command("build_pdq_index")
    assert "2 hashes at generation 2" in capsys.readouterr().out
    header = read_header(index_file)
    assert header is not None
    assert header["count"] == 2
    assert header["position"] == 2
    call_command("build_pdq_index", "--verify")
    assert "sound" in capsys.readouterr().out

    raw = bytearray(index_file.read_bytes())
    raw[-1] ^= 0xFF
    index_file.write_bytes(bytes(raw))
    with pytest.raises(CommandError, match="damaged"):
        call_command("build_pdq_index", "--verify")
    call_command("build_pdq_index")  # rebuilt
    call_command("build_pdq_index", "--verify")
    assert [m.entry.value for m in match_hashes([("pdq", PDQ_A)])[0]] == [PDQ_A, PDQ_CLOSE]


def test_build_pdq_index_refuses_when_pdq_is_kept_in_memory(settings):
    settings.PDQ_INDEX_DIR = ""
    with pytest.raises(CommandError, match="COPNET_PDQ_INDEX_DIR is empty"):
        call_command("build_pdq_index")


@pytest.mark.django_db(transaction=True)
def test_a_delta_past_the_threshold_is_folded_by_the_background_task(
    index_file, immediate_tasks, settings
):
    settings.PDQ_INDEX_FOLD_AFTER = 4
    bank = make_bank()
    add_hash(bank, PDQ_A)
    match_hashes([("pdq", PDQ_A)])
    add_hash(bank, PDQ_CLOSE)
    match_hashes([("pdq", PDQ_A)])
    assert engine.get_engine().pdq.pending_changes == 2
    add_hash(bank, "0" * 64)
    found = match_hashes([("pdq", PDQ_A)])[0]  # 4 changes: the fold task runs
    assert [m.entry.value for m in found] == [PDQ_A, PDQ_CLOSE]
    header = read_header(index_file)
    assert header is not None
    assert header["count"] == 3
    assert header["position"] == 3
    assert engine.get_engine().pdq.pending_changes == 0


def test_the_index_folder_and_file_are_the_service_accounts_only(index_file):
    add_hash(make_bank(), PDQ_A)
    match_hashes([("pdq", PDQ_A)])
    assert index_file.parent.stat().st_mode & 0o777 == 0o700
    assert index_file.stat().st_mode & 0o777 == 0o600
