"""Fetching from the local NCMEC-style server: pages, checkpoints, resume, retraction."""

from __future__ import annotations

import time

import pytest

from copnet.banks.models import BankEntry
from copnet.exchanges.models import Exchange
from copnet.exchanges.services import do_fetch_exchange

from .factories import make_exchange
from .servers import NcmecEntry

pytestmark = pytest.mark.django_db


def md5_of(n: int) -> str:
    return f"{n:032x}"


def entries(count: int, *, base_ts: int, first: int = 0) -> list[NcmecEntry]:
    # 1,000 entries a second: a window of a few minutes holds many pages.
    return [
        NcmecEntry(
            member=40 + n % 3,
            id=f"e{n}",
            timestamp=base_ts + (n - first) // 1000,
            fingerprints={"md5": md5_of(n), "sha1": "ab" * 20},
            classification=("A1", "A2", "B1", "B2")[n % 4],
        )
        for n in range(first, first + count)
    ]


def wait_a_second(exchange: Exchange) -> int:
    """The next window starts at the stored checkpoint; entries made later must sit after
    it and before "now - 5 s" of the next fetch."""
    exchange.refresh_from_db()
    start = int(exchange.checkpoint["from"])
    while int(time.time()) - 5 <= start:
        time.sleep(0.2)
    return start


def test_fetch_of_100000_hashes_killed_halfway_and_resumed_keeps_each_once(
    ncmec_server, coordinator
):
    ncmec_server.add(entries(100_000, base_ts=int(time.time()) - 3600))
    exchange = make_exchange(coordinator, kind="ncmec", url=ncmec_server.url)
    ncmec_server.failures.fail_after_pages = 50  # the partner goes down mid-way

    first = do_fetch_exchange(exchange.pk)

    assert first is not None
    assert first.status == "failed"
    assert first.pages == 50
    assert first.added == 50_000
    exchange.refresh_from_db()
    assert exchange.last_error
    assert exchange.fetching_since is None
    assert "start=50000" in exchange.checkpoint["next"]  # the page it could not read
    assert BankEntry.objects.filter(bank=exchange.bank).count() == 50_000

    ncmec_server.failures.fail_after_pages = None
    asked_before = len(ncmec_server.requests)
    second = do_fetch_exchange(exchange.pk)

    assert second is not None
    assert second.status == "done", second.error
    # It went on from the stored page: no page before it was asked for again.
    resumed = [path for _m, path, _h, _b in ncmec_server.requests[asked_before:]]
    assert "start=50000" in resumed[0]
    assert second.pages == 50
    assert second.added == 50_000
    assert second.seen_again == 0
    rows = BankEntry.objects.filter(bank=exchange.bank)
    assert rows.count() == 100_000
    assert set(rows.values_list("value", flat=True)) == {md5_of(n) for n in range(100_000)}
    exchange.refresh_from_db()
    assert set(exchange.checkpoint) == {"from"}
    assert exchange.last_error == ""
    # SHA-1 fingerprints are not matched by COPNet: counted, not stored.
    assert first.skipped + second.skipped == 100_000


def test_entries_keep_source_external_id_contributor_classification(ncmec_server, coordinator):
    ncmec_server.add(entries(3, base_ts=int(time.time()) - 60))
    exchange = make_exchange(coordinator, kind="ncmec", url=ncmec_server.url)
    do_fetch_exchange(exchange.pk)

    entry = BankEntry.objects.get(bank=exchange.bank, value=md5_of(1))
    assert entry.source == "ncmec"
    assert entry.external_id == "41-e1"
    assert entry.contributor == "41 Member 41"
    assert entry.classification == "A2"
    assert entry.tags == ["image"]
    assert entry.first_seen == entry.last_seen
    assert entry.bank.exchange == exchange


def test_next_fetch_is_incremental_and_retraction_removes_entries(ncmec_server, coordinator):
    ncmec_server.add(entries(2_500, base_ts=int(time.time()) - 600))
    exchange = make_exchange(coordinator, kind="ncmec", url=ncmec_server.url)
    do_fetch_exchange(exchange.pk)
    assert BankEntry.objects.filter(bank=exchange.bank).count() == 2_500

    start = wait_a_second(exchange)
    ncmec_server.add(entries(10, base_ts=start, first=2_500))
    retracted = [(40 + n % 3, f"e{n}") for n in range(0, 600)]  # a bulk retraction
    ncmec_server.retract(retracted, timestamp=start)
    asked_before = len(ncmec_server.requests)

    run = do_fetch_exchange(exchange.pk)

    assert run is not None
    assert run.status == "done"
    assert run.received == 610
    assert run.added == 10
    assert run.removed == 600
    windows = {path.split("&start")[0] for _m, path, _h, _b in ncmec_server.requests[asked_before:]}
    assert len(windows) == 1  # one new window, from the stored checkpoint on
    remaining = set(BankEntry.objects.filter(bank=exchange.bank).values_list("value", flat=True))
    assert len(remaining) == 1_910
    assert not remaining & {md5_of(n) for n in range(600)}


def test_429_and_500_are_retried_and_timeouts_fail_cleanly(ncmec_server, coordinator, settings):
    ncmec_server.add(entries(1_500, base_ts=int(time.time()) - 60))
    exchange = make_exchange(coordinator, kind="ncmec", url=ncmec_server.url)
    ncmec_server.failures.script = [429, 500]  # the third try is answered

    run = do_fetch_exchange(exchange.pk)
    assert run is not None
    assert run.status == "done"
    assert run.added == 1_500

    settings.EXCHANGE_HTTP_TIMEOUT = 0.3
    ncmec_server.failures.delay = 1.0
    start = wait_a_second(exchange)
    ncmec_server.add(entries(5, base_ts=start, first=1_500))
    failed = do_fetch_exchange(exchange.pk)
    ncmec_server.failures.delay = 0
    assert failed is not None
    assert failed.status == "failed"
    assert failed.added == 0
    exchange.refresh_from_db()
    assert exchange.checkpoint == {"from": start}
    assert "tries" in exchange.last_error


def test_a_cut_page_writes_nothing_of_it(ncmec_server, coordinator):
    ncmec_server.add(entries(10, base_ts=int(time.time()) - 60))
    exchange = make_exchange(coordinator, kind="ncmec", url=ncmec_server.url)
    ncmec_server.failures.cut_body = True

    run = do_fetch_exchange(exchange.pk)

    assert run is not None
    assert run.status == "failed"
    assert not BankEntry.objects.filter(bank=exchange.bank).exists()
    exchange.refresh_from_db()
    assert exchange.checkpoint == {}


def test_wrong_credentials_are_refused_without_retrying(ncmec_server, coordinator):
    exchange = make_exchange(
        coordinator,
        kind="ncmec",
        url=ncmec_server.url,
        credentials={"username": "copnet", "password": "wrong"},
    )
    run = do_fetch_exchange(exchange.pk)
    assert run is not None
    assert run.status == "failed"
    assert "401" in run.error
    assert len(ncmec_server.requests) == 1


def test_a_second_fetch_of_the_same_exchange_waits_for_the_first(ncmec_server, coordinator):
    from copnet.exchanges.services import claim_fetch

    exchange = make_exchange(coordinator, kind="ncmec", url=ncmec_server.url)
    assert claim_fetch(exchange.pk)
    assert do_fetch_exchange(exchange.pk) is None
