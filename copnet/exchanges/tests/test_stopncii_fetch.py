"""Fetching from the local StopNCII-style server: page tokens, next-set timestamp,
withdrawal and deletion, errors."""

from __future__ import annotations

import pytest

from copnet.banks.models import BankEntry
from copnet.exchanges.services import do_fetch_exchange

from .factories import make_exchange

pytestmark = pytest.mark.django_db


def pdq(n: int) -> str:
    return f"{n:064x}"


def test_pages_then_checkpoint_on_next_set_timestamp(stopncii_server, coordinator):
    for n in range(2_000):
        stopncii_server.put("ImagePDQ", pdq(n), 1_000 + n, tags=("sextortion",))
    stopncii_server.put("VideoTMK", "ab" * 128, 1_000)  # not matched by COPNet
    exchange = make_exchange(coordinator, kind="stopncii", url=stopncii_server.url)

    run = do_fetch_exchange(exchange.pk)

    assert run is not None
    assert run.status == "done", run.error
    assert run.pages == 3
    assert run.added == 2_000
    assert run.skipped == 1
    entry = BankEntry.objects.get(bank=exchange.bank, value=pdq(7))
    assert entry.signal_type == "pdq"
    assert entry.external_id == f"ImagePDQ:{pdq(7)}"
    assert entry.tags == ["sextortion"]
    assert entry.contributor == "StopNCII"
    exchange.refresh_from_db()
    assert exchange.checkpoint == {"start": 2_000 + 1_000}


def test_withdrawal_deletes_the_hashes(stopncii_server, coordinator):
    for n in range(50):
        stopncii_server.put("ImagePDQ", pdq(n), 1_000 + n)
    stopncii_server.put("VideoMD5", "c" * 32, 1_010)
    exchange = make_exchange(coordinator, kind="stopncii", url=stopncii_server.url)
    do_fetch_exchange(exchange.pk)
    assert BankEntry.objects.filter(bank=exchange.bank).count() == 51

    stopncii_server.put("ImagePDQ", pdq(3), 5_000, status="Withdrawn")
    stopncii_server.put("VideoMD5", "c" * 32, 5_001, status="Deleted")
    run = do_fetch_exchange(exchange.pk)

    assert run is not None
    assert run.received == 2
    assert run.removed == 2
    values = set(BankEntry.objects.filter(bank=exchange.bank).values_list("value", flat=True))
    assert pdq(3) not in values
    assert "c" * 32 not in values
    assert len(values) == 49
    # The start of the request was the stored checkpoint: only the changes came back.
    assert "startTimestamp=1050" in stopncii_server.requests[-1][1]


def test_crash_mid_way_resumes_with_the_page_token(stopncii_server, coordinator):
    for n in range(4_000):
        stopncii_server.put("ImagePDQ", pdq(n), 1_000 + n)
    exchange = make_exchange(coordinator, kind="stopncii", url=stopncii_server.url)
    stopncii_server.failures.fail_after_pages = 2

    first = do_fetch_exchange(exchange.pk)
    assert first is not None
    assert first.status == "failed"
    assert first.added == 1_600
    exchange.refresh_from_db()
    assert exchange.checkpoint["page_token"]

    stopncii_server.failures.fail_after_pages = None
    second = do_fetch_exchange(exchange.pk)
    assert second is not None
    assert second.status == "done"
    assert second.added == 2_400
    assert second.seen_again == 0
    assert BankEntry.objects.filter(bank=exchange.bank).count() == 4_000


def test_expired_page_token_reads_again_from_the_timestamp(stopncii_server, coordinator):
    for n in range(1_000):
        stopncii_server.put("ImagePDQ", pdq(n), 1_000 + n)
    exchange = make_exchange(coordinator, kind="stopncii", url=stopncii_server.url)
    stopncii_server.failures.fail_after_pages = 1
    do_fetch_exchange(exchange.pk)
    stopncii_server.failures.fail_after_pages = None
    stopncii_server.expire_tokens()

    run = do_fetch_exchange(exchange.pk)

    assert run is not None
    assert run.status == "done"
    assert run.added == 200
    assert run.seen_again == 800
    assert BankEntry.objects.filter(bank=exchange.bank).count() == 1_000


def test_429_is_retried_and_a_bad_answer_is_refused(stopncii_server, coordinator):
    stopncii_server.put("ImagePDQ", pdq(1), 1_000)
    exchange = make_exchange(coordinator, kind="stopncii", url=stopncii_server.url)
    stopncii_server.failures.script = [429, 429]
    run = do_fetch_exchange(exchange.pk)
    assert run is not None
    assert run.status == "done"
    assert run.added == 1

    stopncii_server.failures.script = [200]  # "try later" with a 200: not JSON
    run = do_fetch_exchange(exchange.pk)
    assert run is not None
    assert run.status == "failed"
    assert "JSON" in run.error
