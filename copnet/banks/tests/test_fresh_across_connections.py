"""A change committed by any connection, in any order of ids and commits, is matched by a
running engine on its next query (the engine no longer follows "the highest id seen")."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction

from copnet.banks import generations
from copnet.banks.models import BankEntry
from copnet.banks.services import import_hashes, match_hashes

from .factories import PDQ_A, add_hash, make_bank

PDQ_FAR = "0" * 64  # 256 bits from PDQ_A

pytestmark = pytest.mark.usefixtures("fresh_engine", "reference_data")


def matched(value: str) -> list[str]:
    return [m.entry.bank.name for m in match_hashes([("pdq", value)])[0]]


class Worker(threading.Thread):
    """Runs `work` on its own database connection and keeps what it raised."""

    def __init__(self, work: Callable[[], object]) -> None:
        super().__init__(daemon=True)
        self.work = work
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.work()
        except BaseException as exc:  # reported by the test thread
            self.error = exc
        finally:
            connections.close_all()


@pytest.mark.django_db
def test_an_entry_with_a_lower_id_than_those_loaded_is_matched():
    early, late = make_bank("early"), make_bank("late")
    # The id a slow transaction would have taken first, committed after a higher one was seen.
    low_id = add_hash(late, PDQ_FAR).pk
    BankEntry.objects.filter(pk=low_id).update(id=low_id + 1000)
    assert matched(PDQ_FAR) == ["late"]
    with transaction.atomic():
        generation = generations.begin_change()
        BankEntry.objects.create(
            pk=low_id, bank=early, signal_type="pdq", value=PDQ_A, generation=generation
        )
        generations.end_change(generation, kind="added", hashes=1)
    assert matched(PDQ_A) == ["early"]


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_by_another_connection_is_matched_on_the_next_query():
    bank = make_bank()
    assert matched(PDQ_A) == []  # the engine is built and running
    worker = Worker(lambda: add_hash(bank, PDQ_A))
    worker.start()
    worker.join(timeout=30)
    assert worker.error is None
    assert matched(PDQ_A) == ["partner"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_an_import_still_open_when_a_later_one_starts_is_matched_once_both_commit():
    early, late = make_bank("early"), make_bank("late")
    assert matched(PDQ_A) == []  # the engine is built and running
    inserted, release = threading.Event(), threading.Event()

    def slow_import() -> None:  # inserts its entries first, then stays open
        with transaction.atomic():
            import_hashes(bank=early, text=f"pdq {PDQ_A}\n", actor=None)
            inserted.set()
            assert release.wait(timeout=30)

    slow = Worker(slow_import)
    quick = Worker(lambda: import_hashes(bank=late, text=f"pdq {PDQ_FAR}\n", actor=None))
    slow.start()
    try:
        assert inserted.wait(timeout=30)
        quick.start()
        # With "highest id seen", the later import committed here, the engine loaded it, and
        # the slow one's lower ids were never loaded. Now the later one waits for the slow
        # one's commit: generations are handed out in commit order.
        quick.join(timeout=1)
        assert quick.is_alive()
        assert matched(PDQ_A) == []
        assert matched(PDQ_FAR) == []
    finally:
        release.set()
        slow.join(timeout=30)
        quick.join(timeout=30)
    assert slow.error is None
    assert quick.error is None
    assert matched(PDQ_A) == ["early"]
    assert matched(PDQ_FAR) == ["late"]
    entries = dict(BankEntry.objects.values_list("bank__name", "generation"))
    assert entries["early"] < entries["late"]
