"""A file is checked in full once: at its writing (the writer stamps it) or at its first open;
later opens with verify="stamp" trust a matching stamp, and a file written to since (or with
no stamp) is checked in full again."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

from copnet.detection.pdqfile import (
    HEADER_SIZE,
    IndexFileError,
    LivePdqIndex,
    MappedPdqIndex,
    stamp_path,
    write_index_file,
)


def codes(count: int) -> np.ndarray:
    return np.random.default_rng(3).integers(0, 256, size=(count, 32), dtype=np.uint8)


@pytest.fixture
def index(tmp_path):
    path = tmp_path / "pdq.idx"
    write_index_file(path, codes(200), np.arange(200), position=5)
    return path


def test_the_writer_stamps_the_file_and_a_stamped_file_is_not_read_again(index):
    stamp = json.loads(stamp_path(index).read_text())
    assert stamp["crc32"] == json.loads(index.read_bytes()[8:HEADER_SIZE])["crc32"]
    opened = MappedPdqIndex(index, verify="stamp")
    assert opened.checked is False
    assert opened.position == 5
    opened.close()
    full = MappedPdqIndex(index, verify=True)
    assert full.checked is True
    full.close()


def test_without_a_stamp_the_first_open_checks_in_full_and_stamps(index):
    stamp_path(index).unlink()
    first = MappedPdqIndex(index, verify="stamp")
    assert first.checked is True
    assert stamp_path(index).exists()
    first.close()
    second = MappedPdqIndex(index, verify="stamp")
    assert second.checked is False
    second.close()


def test_a_file_written_to_after_its_stamp_is_checked_in_full_and_refused(index):
    time.sleep(0.05)  # a later write gets a later mtime, even on a coarse file clock
    raw = bytearray(index.read_bytes())
    raw[HEADER_SIZE + 3] ^= 0x01
    with open(index, "r+b") as handle:  # in place: same inode, same size
        handle.write(bytes(raw))
    with pytest.raises(IndexFileError, match="checksum"):
        MappedPdqIndex(index, verify="stamp")


def test_a_stamp_of_another_file_is_not_trusted(index, tmp_path):
    other = tmp_path / "other.idx"
    write_index_file(other, codes(10), np.arange(10))
    stamp_path(index).write_text(stamp_path(other).read_text())
    opened = MappedPdqIndex(index, verify="stamp")
    assert opened.checked is True
    opened.close()


def test_refresh_refuses_a_damaged_file_once_and_keeps_answering(index):
    live = LivePdqIndex(index, verify="stamp")
    value = codes(1)[0].tobytes().hex()
    before = live.query(value)
    write_index_file(index.with_name("new.idx"), codes(200), np.arange(200), position=9)
    raw = bytearray(index.with_name("new.idx").read_bytes())
    raw[-1] ^= 0xFF
    index.with_name("new.idx").write_bytes(bytes(raw))
    index.with_name("new.idx").replace(index)
    assert live.refresh() is False
    assert "checksum" in live.refresh_error
    assert live.refresh() is False  # not read again
    assert live.query(value) == before
    assert live.status()["file_position"] == 5
