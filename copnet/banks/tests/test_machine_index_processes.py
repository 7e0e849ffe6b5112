"""Two Django processes share one index file (one builds it, the other maps it) and each sees
at its next match a change the other made after both started: an added entry, a deactivated
one, and a fold that replaced the file."""

from __future__ import annotations

import pytest

from .factories import PDQ_A, PDQ_CLOSE, add_hash, make_bank
from .index_child import Child, children_env

PDQ_OTHER = "0" * 64
PDQ_OTHER_CLOSE = "0" * 60 + "000f"


@pytest.mark.django_db(transaction=True)
def test_two_processes_share_the_file_and_see_each_others_changes(tmp_path):
    bank = make_bank("partner")
    first = add_hash(bank, PDQ_A).pk
    env = children_env(tmp_path, tmp_path / "index")
    index = tmp_path / "index" / "pdq.index"
    a = b = None
    try:
        a, b = Child(env), Child(env)
        assert a.ask(f"match {PDQ_A}") == [first]  # a builds the file
        built = index.stat().st_ino
        assert b.ask(f"match {PDQ_A}") == [first]  # b maps the same file
        assert index.stat().st_ino == built
        status_a, status_b = a.ask("status"), b.ask("status")
        assert isinstance(status_a, dict)
        assert isinstance(status_b, dict)
        assert status_a["file_position"] == status_b["file_position"] == 1

        close = a.ask(f"add {PDQ_CLOSE}")  # after both started
        assert b.ask(f"match {PDQ_A}") == [first, close]
        other = b.ask(f"add {PDQ_OTHER}")
        assert a.ask(f"match {PDQ_OTHER_CLOSE}") == [other]

        a.ask(f"off {first}")
        assert b.ask(f"match {PDQ_A}") == [close]  # hidden at once

        assert a.ask("fold") == 4  # a folds its delta (2 additions) into a new file
        assert index.stat().st_ino != built
        assert b.ask(f"match {PDQ_A}") == [close]  # b swapped to it on its next match
        status_b = b.ask("status")
        assert isinstance(status_b, dict)
        assert status_b["file_position"] == 4
        assert status_b["pending_changes"] == 0
        assert b.ask(f"match {PDQ_OTHER}") == [other]
    finally:
        for child in (a, b):
            if child is not None:
                child.stop()
