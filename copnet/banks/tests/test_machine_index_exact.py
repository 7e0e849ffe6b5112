"""Matching on the machine's index file answers exactly as a brute-force scan of the live
entries, after any sequence of imports, additions, deactivations, expiries, bank switches,
threshold changes and folds."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from copnet.banks import curation, engine, safety
from copnet.banks.models import BankEntry
from copnet.banks.services import import_hashes, match_hashes
from copnet.detection.pdqfile import read_header

from .factories import add_hash, make_bank

pytestmark = pytest.mark.django_db


def distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def near(rng: random.Random, center: str, flips: int) -> str:
    value = int(center, 16)
    for bit in rng.sample(range(256), flips):
        value ^= 1 << bit
    return f"{value:064x}"


def brute_force(value: str) -> list[tuple[int, int]]:
    """(distance, entry) of every live PDQ entry within its bank's threshold, nearest first."""
    rows = (
        BankEntry.objects.filter(signal_type="pdq", bank__is_active=True, quarantined_at=None)
        .exclude(expires_at__lt=timezone.now())
        .select_related("bank")
    )
    found = [(distance(value, row.value), row.pk) for row in rows]
    thresholds = {row.pk: row.bank.effective_pdq_threshold for row in rows}
    return sorted((d, pk) for d, pk in found if d <= thresholds[pk])


def matched(value: str) -> list[tuple[int, int]]:
    return [(m.distance, m.entry.pk) for m in match_hashes([("pdq", value)])[0]]


def test_a_random_history_of_changes_and_folds_matches_like_brute_force(index_file):
    rng = random.Random(21)
    centers = [f"{rng.getrandbits(256):064x}" for _ in range(6)]
    banks = [make_bank(name) for name in ("partner", "hotline", "confirmed-local")]
    add_hash(banks[0], centers[0])
    assert matched(centers[0])  # the first match builds the file
    assert index_file.exists()
    operations = dict.fromkeys(
        ["import", "add", "off", "on", "expire", "bank", "threshold", "fold"], 0
    )
    for step in range(70):
        entries = list(BankEntry.objects.filter(signal_type="pdq"))
        kind = rng.choice(
            ["import", "import", "add", "add", "off", "on", "expire", "bank", "threshold", "fold"]
        )
        if kind == "import":
            bank = rng.choice(banks)
            lines = [f"pdq {near(rng, rng.choice(centers), rng.randint(0, 45))}" for _ in range(4)]
            import_hashes(bank=bank, text="\n".join(lines) + "\n", actor=None)
        elif kind == "add":
            value = near(rng, rng.choice(centers), rng.randint(0, 40))
            add_hash(rng.choice(banks), value)
        elif kind in ("off", "on") and entries:
            entry = rng.choice(entries)
            curation.do_set_entry_active(entry=entry, active=kind == "on", actor=None)
        elif kind == "expire" and entries:  # expiry by the clock: no change is logged
            BankEntry.objects.filter(pk=rng.choice(entries).pk).update(
                expires_at=timezone.now() - dt.timedelta(seconds=1)
            )
        elif kind == "bank":
            bank = rng.choice(banks)
            bank.refresh_from_db()
            curation.do_set_bank_active(bank=bank, active=not bank.is_active, actor=None)
        elif kind == "threshold":
            safety.do_set_bank_threshold(
                bank=rng.choice(banks), threshold=rng.choice([None, 8, 20, 40]), actor=None
            )
        elif kind == "fold":
            pending = engine.get_engine().pdq.pending_changes
            assert (engine.fold_pdq_index(force=True) is not None) == bool(pending)
            assert engine.get_engine().pdq.pending_changes == 0
        else:
            continue
        operations[kind] += 1
        for center in centers:
            query = near(rng, center, rng.randint(0, 12))
            assert matched(query) == brute_force(query), (step, kind)
    # Every kind of change happened, and the file was folded (its generation moved on).
    assert all(operations.values()), operations
    header = read_header(index_file)
    assert header is not None
    assert header["position"] > 1


def test_a_bank_switched_off_leaves_the_index_and_comes_back_once_when_switched_on(index_file):
    bank, other = make_bank("partner"), make_bank("other")
    centre = "f" * 64
    entry = add_hash(bank, centre)
    kept = add_hash(other, "f" * 60 + "0000")
    assert matched(centre) == [(0, entry.pk), (16, kept.pk)]

    curation.do_set_bank_active(bank=bank, active=False, actor=None)
    assert matched(centre) == [(16, kept.pk)]
    live = engine.get_engine().pdq
    assert [m.entry for m in live.query(centre)] == [kept.pk]  # hidden in the index itself

    curation.do_set_bank_active(bank=bank, active=True, actor=None)
    assert matched(centre) == [(0, entry.pk), (16, kept.pk)]  # listed once, not twice
    engine.fold_pdq_index(force=True)
    assert matched(centre) == [(0, entry.pk), (16, kept.pk)]
    assert engine.get_engine().pdq.pending_changes == 0
