"""A damaged index file (truncated, a byte changed, not an index, ahead of the database) is
detected when a process opens it, logged, and rebuilt from the database: never a wrong answer."""

from __future__ import annotations

import logging
import time

import pytest

from copnet.banks import engine
from copnet.banks.services import match_hashes
from copnet.detection.pdqfile import HEADER_SIZE, MappedPdqIndex, read_header

from .factories import PDQ_A, PDQ_CLOSE, add_hash, make_bank

pytestmark = pytest.mark.django_db

LOGGER = "copnet.banks.machine_index"


def matched(value: str) -> list[int]:
    return [m.entry.pk for m in match_hashes([("pdq", value)])[0]]


@pytest.fixture
def built(index_file):
    """A bank of two entries and the file built by a first process, which then ends."""
    bank = make_bank()
    entries = [add_hash(bank, PDQ_A).pk, add_hash(bank, PDQ_CLOSE).pk]
    assert matched(PDQ_A) == entries
    engine.reset()  # the next match is a new process's first
    time.sleep(0.05)  # a later change gets a later mtime, even on a coarse file clock
    return entries


def flip_byte(raw: bytes, at: int) -> bytes:
    return raw[:at] + bytes([raw[at] ^ 0xFF]) + raw[at + 1 :]


def entries_at(index_file) -> int:
    header = read_header(index_file)
    assert header is not None
    return header["sections"]["entries"][0]


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda raw, _path: raw[:-4096], "truncated"),
        # An entry id changed: unchecked, PDQ_A would name an entry that does not exist.
        (lambda raw, path: flip_byte(raw, entries_at(path)), "checksum"),
        (lambda raw, _path: flip_byte(raw, HEADER_SIZE + 5), "checksum"),
        (lambda raw, _path: b"NOTANIDX" + raw[8:], "Not a COPNet"),
        (lambda _raw, _path: b"", "too short"),
    ],
)
def test_a_damaged_file_is_detected_logged_and_rebuilt(built, index_file, caplog, damage, reason):
    index_file.write_bytes(damage(index_file.read_bytes(), index_file))
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        assert matched(PDQ_A) == built
    assert "damaged" in caplog.text
    assert reason in caplog.text
    MappedPdqIndex(index_file, verify=True).close()  # the new file is sound


def test_a_sound_file_is_opened_without_reading_it_all_again(built, index_file, caplog):
    with caplog.at_level(logging.INFO, logger=LOGGER):
        assert matched(PDQ_A) == built
    assert "built" not in caplog.text
    assert engine.get_engine().pdq.status()["version"] == 1
    assert engine.get_engine().machine.live._state.base.checked is False  # the stamp matched


def test_a_file_ahead_of_the_database_is_rebuilt(built, index_file, caplog):
    from copnet.banks.models import DetectionGeneration

    DetectionGeneration.objects.update(generation=0, reload_generation=0)  # restored backup
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        matched(PDQ_A)
    assert "ahead of the database" in caplog.text
    header = read_header(index_file)
    assert header is not None
    assert header["position"] == 0


def test_a_file_damaged_while_mapped_is_rebuilt_at_the_next_match(index_file, caplog):
    bank = make_bank()
    entries = [add_hash(bank, PDQ_A).pk, add_hash(bank, PDQ_CLOSE).pk]
    assert matched(PDQ_A) == entries  # this process maps the file
    time.sleep(0.05)
    at = entries_at(index_file)
    with open(index_file, "r+b") as handle:  # in place: the mapped pages change too
        handle.seek(at)
        byte = handle.read(1)
        handle.seek(at)
        handle.write(bytes([byte[0] ^ 0xFF]))
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        assert matched(PDQ_A) == entries
    assert "damaged" in caplog.text
    assert "checksum" in caplog.text
    MappedPdqIndex(index_file, verify=True).close()
