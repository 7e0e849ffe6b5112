"""An event or report that commits after one with a higher id was read still reaches the
rollups on the next refresh (the refresh no longer keeps only "the highest id seen")."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from copnet.cases.models import Case, CaseEvent
from copnet.stats import rollups
from copnet.stats.models import RefreshState, Rollup
from copnet.stats.watermark import MAX_GAPS, _merge, _missing

from .factories import at, make_case

pytestmark = pytest.mark.usefixtures("reference_data")

JUNE = dt.date(2025, 6, 1)


def figures() -> list[tuple[object, ...]]:
    names = [f.attname for f in Rollup._meta.concrete_fields if f.name != "id"]
    return sorted(Rollup.objects.values_list(*names), key=repr)


def as_rebuilt() -> list[tuple[object, ...]]:
    rollups.rebuild_all()
    return figures()


def close_late(case: Case, **event: object) -> None:
    """What an officer's slow transaction writes: the case closed, and its event."""
    Case.objects.filter(pk=case.pk).update(status="closed", closed_at=at(2025, 6, 10))
    CaseEvent.objects.create(case=case, actor_label="test", kind="transition", **event)


def gaps() -> list[list[int]]:
    return [[first, last] for first, last, _taken in RefreshState.objects.get().event_gaps]


@pytest.mark.django_db
def test_an_event_with_a_lower_id_that_commits_late_is_counted():
    old = make_case(created=at(2025, 6, 3), status="in_progress")
    recent = make_case(created=timezone.now())
    rollups.refresh()
    # A slow transaction took the next id; a quicker one took the one after and committed.
    missing = CaseEvent.objects.latest("pk").pk + 1
    CaseEvent.objects.create(pk=missing + 1, case=recent, actor_label="test", kind="transition")
    assert JUNE not in rollups.refresh()
    assert [missing, missing] in gaps()

    close_late(old, pk=missing)  # the slow one commits
    assert JUNE in rollups.refresh()
    assert [missing, missing] not in gaps()
    assert figures() == as_rebuilt()


@pytest.mark.django_db
def test_a_gap_nobody_filled_within_the_hour_is_forgotten():
    make_case(created=at(2025, 6, 3))
    rollups.refresh()
    missing = CaseEvent.objects.latest("pk").pk + 1
    make_case(created=timezone.now())
    CaseEvent.objects.filter(pk=CaseEvent.objects.latest("pk").pk).update(id=missing + 1)
    rollups.refresh()
    assert [missing, missing] in gaps()
    rollups.refresh(now=timezone.now() + dt.timedelta(hours=2))  # a rollback: it never comes
    assert gaps() == []


@pytest.mark.django_db
def test_a_full_rebuild_keeps_the_gaps_below_the_highest_id():
    make_case(created=at(2025, 6, 3))
    missing = CaseEvent.objects.latest("pk").pk + 1
    make_case(created=timezone.now())
    CaseEvent.objects.filter(pk=CaseEvent.objects.latest("pk").pk).update(id=missing + 1)
    rollups.rebuild_all()
    assert RefreshState.objects.get().last_event_id == missing + 1
    assert [missing, missing] in gaps()


def test_missing_ranges_and_merging_cover_every_missing_id():
    assert _missing([3, 4, 7], 1, 9) == [(1, 2), (5, 6), (8, 9)]
    assert _missing([], 5, 5) == [(5, 5)]
    gaps = [(i * 10, i * 10 + 1, float(i)) for i in range(MAX_GAPS + 5)]
    merged = _merge(gaps)
    assert len(merged) == MAX_GAPS
    covered = {i for first, last, _t in merged for i in range(first, last + 1)}
    assert covered >= {i for first, last, _t in gaps for i in range(first, last + 1)}
    assert min(t for _f, _l, t in merged) == 0.0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_transaction_that_commits_after_a_later_one_reaches_the_rollups():
    old = make_case(created=at(2025, 6, 3), status="in_progress")
    rollups.refresh()
    written, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def slow_officer() -> None:
        try:
            with transaction.atomic():
                close_late(old)
                written.set()
                assert release.wait(timeout=30)
        except BaseException as exc:  # reported by the test thread
            errors.append(exc)
        finally:
            connections.close_all()

    slow = threading.Thread(target=slow_officer, daemon=True)
    slow.start()
    try:
        assert written.wait(timeout=30)
        make_case(created=timezone.now())  # a later transaction, with higher ids, commits first
        assert JUNE not in rollups.refresh()
    finally:
        release.set()
        slow.join(timeout=30)
    assert errors == []
    assert JUNE in rollups.refresh()
    assert figures() == as_rebuilt()
