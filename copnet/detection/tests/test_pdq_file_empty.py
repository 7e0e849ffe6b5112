"""An index file with no hash (every bank empty or switched off) is a file like any other: it
keeps its position and is not opened again at every refresh."""

from __future__ import annotations

import numpy as np

from copnet.detection.pdqfile import LivePdqIndex, PdqChange, write_index_file


def test_an_empty_file_keeps_its_position_and_is_not_reopened(tmp_path):
    path = tmp_path / "pdq.idx"
    write_index_file(path, np.empty((0, 4), dtype=np.uint64), np.empty(0), position=7)
    live = LivePdqIndex(path, verify="stamp")
    assert live.position == 7
    assert live.status()["version"] == 1
    assert live.status()["file_position"] == 7
    assert live.refresh() is False  # the same file
    live.apply([PdqChange(8, 1, "f" * 64)])
    assert [m.entry for m in live.query("f" * 64)] == [1]
    assert live.refresh() is False
    assert live.pending_changes == 1
