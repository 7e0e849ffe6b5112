"""While another process folds the delta into new files again and again, an entry added just
before a match is always found by it: there is no window in which a new entry is missed, and
the fold never blocks matching."""

from __future__ import annotations

import random

import pytest

from copnet.banks.machine_index import file_status
from copnet.banks.services import import_hashes

from .factories import make_bank
from .index_child import Child, children_env


def hashes(rng: random.Random, count: int) -> list[str]:
    return [f"{rng.getrandbits(256):064x}" for _ in range(count)]


@pytest.mark.django_db(transaction=True)
def test_no_new_entry_is_missed_while_another_process_folds(tmp_path):
    rng = random.Random(7)
    bank = make_bank("partner")
    import_hashes(bank=bank, text="".join(f"pdq {v}\n" for v in hashes(rng, 3000)), actor=None)
    env = children_env(tmp_path, tmp_path / "index")
    index = tmp_path / "index" / "pdq.index"
    matcher = folder = None
    try:
        matcher, folder = Child(env), Child(env)
        assert matcher.ask(f"match {'0' * 64}") == []  # builds the file
        built = file_status(index, None)["file_position"]
        assert isinstance(built, int)
        folder.send("foldfor 8")
        missed = []
        for value in hashes(rng, 60):
            answer = matcher.ask(f"addmatch {value}")
            assert isinstance(answer, list)
            pk, found = answer
            if found != [pk]:
                missed.append(value)
        folds = folder.read()
        assert missed == []
        assert isinstance(folds, list)
        assert len(folds) >= 3
        # The file on disk is the last fold's (its header's position, not its inode: a fold's
        # new file may reuse the inode number the fold before freed).
        assert file_status(index, None)["file_position"] == max(folds) > built
        assert matcher.ask(f"match {'0' * 64}") == []  # its next match swaps to the last file
        status = matcher.ask("status")
        assert isinstance(status, dict)
        assert status["file_position"] == max(folds)  # the matcher moved on to the last file
    finally:
        for child in (matcher, folder):
            if child is not None:
                child.stop()
