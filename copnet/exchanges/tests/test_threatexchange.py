"""ThreatExchange (Graph API) from the local ThreatExchange-style server: incremental
threat_updates with cursors, tombstones, 429/500, a fetch stopped mid-window and resumed,
hostile answers, and reactions as the feedback form."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest

from copnet.audit.models import AuditEvent
from copnet.banks.models import BankEntry
from copnet.exchanges.errors import ExchangeError
from copnet.exchanges.feedback import do_record_verdict, send_due_feedback, send_feedback_now
from copnet.exchanges.models import Exchange, FeedbackMessage, Indicator
from copnet.exchanges.services import do_fetch_exchange

from .factories import make_exchange
from .test_feedback import hit_on

pytestmark = pytest.mark.django_db

PDQ = "f" * 63 + "0"
MD5 = "0123456789abcdef" * 2
VPDQ = "0,100," + "a" * 64 + ",0.000\n1,100," + "b" * 64 + ",1.000"


def md5_of(n: int) -> str:
    return f"{n:032x}"


def wait_past(exchange: Exchange) -> int:
    """Records written at the stored checkpoint's second are read by the next fetch once
    its window (up to "now - 5 s") has passed that second."""
    exchange.refresh_from_db()
    start = int(exchange.checkpoint["start"])
    while int(time.time()) - 5 <= start:
        time.sleep(0.2)
    return start


def test_every_descriptor_type_is_kept_with_source_tags_and_seen_times(te_server, coordinator):
    now = int(time.time()) - 60
    te_server.put(1, "HASH_PDQ", PDQ.upper(), now, tags=("csam", "media_type_photo"))
    te_server.put(2, "HASH_MD5", MD5, now)
    te_server.put(3, "HASH_VIDEO_MD5", md5_of(3), now)
    te_server.put(4, "HASH_VIDEO_VPDQ", VPDQ, now)
    te_server.put(5, "URI", "https://bad.example/a/b", now)
    te_server.put(6, "TEXT_STRING", "gửi ảnh cho anh đi", now)
    te_server.put(7, "HASH_SHA1", "ab" * 20, now)  # not a type COPNet keeps
    te_server.put(8, "HASH_PDQ", "not-a-hash", now)  # hostile: refused, counted
    exchange = make_exchange(coordinator, kind="threatexchange", url=te_server.url)

    run = do_fetch_exchange(exchange.pk)

    assert run is not None
    assert run.status == "done", run.error
    assert (run.received, run.skipped) == (8, 2)
    pdq = BankEntry.objects.get(bank=exchange.bank, signal_type="pdq")
    assert (pdq.value, pdq.external_id, pdq.source) == (PDQ, "1", "threatexchange")
    assert pdq.tags == ["csam", "media_type_photo"]
    assert pdq.contributor == "Partner A"
    assert pdq.classification == "MALICIOUS"
    assert pdq.first_seen == pdq.last_seen
    assert set(
        BankEntry.objects.filter(bank=exchange.bank, signal_type="md5").values_list(
            "value", "external_id"
        )
    ) == {(MD5, "2"), (md5_of(3), "3")}
    kept = {i.external_id: i for i in Indicator.objects.filter(exchange=exchange)}
    assert {k: i.kind for k, i in kept.items()} == {
        "1": "pdq",
        "2": "md5",
        "3": "md5",
        "4": "vpdq",
        "5": "url",
        "6": "text",
    }
    assert kept["4"].value == VPDQ
    assert kept["5"].value == "https://bad.example/a/b"
    assert kept["6"].value == "gửi ảnh cho anh đi"
    assert kept["1"].descriptors == ["11"]
    assert run.added == 6  # three bank rows, three kept records
    assert AuditEvent.objects.filter(reason="exchange fetch").count() == 1


def test_pages_are_read_with_cursors_and_the_next_fetch_is_incremental(te_server, coordinator):
    now = int(time.time()) - 600
    for n in range(1_205):  # three pages of 500
        te_server.put(1_000 + n, "HASH_MD5", md5_of(n), now + n % 300)
    exchange = make_exchange(coordinator, kind="threatexchange", url=te_server.url)

    first = do_fetch_exchange(exchange.pk)
    assert first is not None
    assert (first.status, first.pages, first.added) == ("done", 3, 1_205)
    exchange.refresh_from_db()
    assert set(exchange.checkpoint) == {"start"}

    start = wait_past(exchange)
    te_server.delete(1_000, start)  # a tombstone
    te_server.put(1_001, "HASH_MD5", md5_of(1), start, tags=("csam", "sextortion"))  # retagged
    te_server.put(9_000, "HASH_MD5", md5_of(9_000), start)  # new
    te_server.put(  # everyone now says it is harmless: it must stop matching
        1_002, "HASH_MD5", md5_of(2), start, status="NON_MALICIOUS"
    )
    asked_before = len(te_server.requests)

    second = do_fetch_exchange(exchange.pk)

    assert second is not None
    assert second.status == "done", second.error
    assert (second.received, second.added, second.removed, second.seen_again) == (4, 1, 2, 1)
    ((_m, path, _h, _b),) = te_server.requests[asked_before:]
    assert f"start_time={start}" in path
    values = set(BankEntry.objects.filter(bank=exchange.bank).values_list("value", flat=True))
    assert len(values) == 1_204
    assert md5_of(0) not in values
    assert md5_of(2) not in values
    assert md5_of(9_000) in values
    retagged = BankEntry.objects.get(bank=exchange.bank, value=md5_of(1))
    assert retagged.tags == ["csam", "sextortion"]
    assert retagged.last_seen > retagged.first_seen
    assert not Indicator.objects.filter(exchange=exchange, external_id__in=["1000", "1002"])


def test_429_and_500_are_retried_and_a_fetch_stopped_mid_window_resumes_at_its_cursor(
    te_server, coordinator
):
    now = int(time.time()) - 600
    for n in range(1_500):
        te_server.put(1 + n, "HASH_PDQ", f"{n:064x}", now)
    exchange = make_exchange(coordinator, kind="threatexchange", url=te_server.url)
    te_server.failures.script = [429, 500]  # retried: the third try is answered
    te_server.failures.fail_after_pages = 2  # then the partner goes down mid-window

    first = do_fetch_exchange(exchange.pk)

    assert first is not None
    assert (first.status, first.pages, first.added) == ("failed", 2, 1_000)
    exchange.refresh_from_db()
    assert set(exchange.checkpoint) == {"start", "stop", "after"}
    assert "500" in exchange.last_error or "tries" in exchange.last_error

    te_server.failures.fail_after_pages = None
    asked_before = len(te_server.requests)
    second = do_fetch_exchange(exchange.pk)

    assert second is not None
    assert (second.status, second.pages, second.added, second.seen_again) == ("done", 1, 500, 0)
    ((_m, path, _h, _b),) = te_server.requests[asked_before:]
    assert parse_qs(urlsplit(path).query)["after"] == [exchange.checkpoint["after"]]
    assert BankEntry.objects.filter(bank=exchange.bank).count() == 1_500


def test_an_expired_cursor_reads_the_window_again_and_keeps_each_entry_once(te_server, coordinator):
    now = int(time.time()) - 600
    for n in range(1_200):
        te_server.put(1 + n, "HASH_MD5", md5_of(n), now)
    exchange = make_exchange(coordinator, kind="threatexchange", url=te_server.url)
    te_server.failures.fail_after_pages = 1
    do_fetch_exchange(exchange.pk)
    te_server.failures.fail_after_pages = None
    te_server.cursor_epoch += 1  # the stored cursor is no longer accepted

    run = do_fetch_exchange(exchange.pk)

    assert run is not None
    assert run.status == "done", run.error
    assert (run.added, run.seen_again) == (700, 500)
    assert BankEntry.objects.filter(bank=exchange.bank).count() == 1_200


def test_the_next_link_is_never_followed_and_descriptor_ids_must_be_numbers(te_server, coordinator):
    now = int(time.time()) - 600
    for n in range(600):
        te_server.put(1 + n, "HASH_MD5", md5_of(n), now)
    te_server.put(
        5_000,
        "HASH_PDQ",
        PDQ,
        now,
        descriptors=[
            {"id": "../../me", "owner": {"id": "1"}, "tags": [], "status": "MALICIOUS"},
            {"id": "42", "owner": {"id": "2"}, "tags": ["x"], "status": "MALICIOUS"},
        ],
    )
    te_server.next_host = "http://attacker.invalid:1"  # where the token must never go
    exchange = make_exchange(coordinator, kind="threatexchange", url=te_server.url)

    run = do_fetch_exchange(exchange.pk)

    assert run is not None
    assert run.status == "done", run.error
    assert run.pages == 2
    assert Indicator.objects.get(exchange=exchange, external_id="5000").descriptors == ["42"]


def test_a_broken_answer_writes_nothing(te_server, coordinator):
    te_server.put(1, "HASH_MD5", MD5, int(time.time()) - 60)
    te_server.failures.cut_body = True
    exchange = make_exchange(coordinator, kind="threatexchange", url=te_server.url)

    run = do_fetch_exchange(exchange.pk)

    assert run is not None
    assert run.status == "failed"
    assert not BankEntry.objects.filter(bank=exchange.bank).exists()
    assert not Indicator.objects.exists()
    exchange.refresh_from_db()
    assert exchange.checkpoint == {}


def test_a_privacy_group_is_a_number(coordinator):
    with pytest.raises(ExchangeError) as refused:
        make_exchange(
            coordinator,
            kind="threatexchange",
            url="https://graph.facebook.com/v26.0",
            credentials={"access_token": "1|x", "privacy_group": "555/../me"},
        )
    assert (refused.value.code, refused.value.field) == ("privacy_group_invalid", "privacy_group")
    assert not Exchange.objects.exists()


def test_verdicts_are_reactions_on_every_descriptor_retried_and_sent_once(
    te_server, coordinator, reference_data, settings
):
    settings.EXCHANGE_FEEDBACK_BACKOFF = 0
    te_server.put(
        7,
        "HASH_PDQ",
        PDQ,
        int(time.time()) - 60,
        descriptors=[
            {
                "id": "71",
                "owner": {"id": "1", "name": "A"},
                "tags": ["csam"],
                "status": "MALICIOUS",
            },
            {"id": "72", "owner": {"id": "2", "name": "B"}, "tags": ["csam"], "status": "UNKNOWN"},
        ],
    )
    te_server.put(8, "HASH_MD5", MD5, int(time.time()) - 60)
    exchange = make_exchange(coordinator, kind="threatexchange", url=te_server.url)
    do_fetch_exchange(exchange.pk)
    confirmed = hit_on(BankEntry.objects.get(bank=exchange.bank, signal_type="pdq"))
    false_match = hit_on(BankEntry.objects.get(bank=exchange.bank, signal_type="md5"))
    te_server.failures.script = [500, 500, 500]  # the first sending fails on every try

    message = do_record_verdict(hit_id=confirmed.pk, verdict="confirm", actor=coordinator)
    assert message is not None
    assert message.descriptors == ["71", "72"]
    assert send_feedback_now(message.pk) == "failed"
    assert te_server.reactions == []
    do_record_verdict(hit_id=false_match.pk, verdict="deconfirm", actor=coordinator)
    do_record_verdict(hit_id=confirmed.pk, verdict="confirm", actor=coordinator)  # again

    assert send_due_feedback() == 2
    assert send_due_feedback() == 0
    assert sorted(te_server.reactions) == [
        ("71", "SAW_THIS_TOO"),
        ("72", "SAW_THIS_TOO"),
        ("81", "NON_MALICIOUS"),
    ]
    assert set(FeedbackMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert AuditEvent.objects.filter(reason="exchange feedback sent").count() == 2
    # the token travels as the Graph API asks, to the configured host only
    assert all(path.startswith("/") for _m, path, _h, _b in te_server.requests)
