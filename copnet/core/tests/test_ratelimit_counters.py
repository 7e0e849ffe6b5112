"""The rate-limit counters are exact under concurrency, expire with their window, keep no
address in clear, and let requests through (loudly) when their store is down."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ThreadPoolExecutor

import pytest

from copnet.core import ratelimit_store
from copnet.core.ratelimit import counter_key, hit, peek

RATE = (1000, 600)


@pytest.fixture
def file_store(settings, tmp_path):
    """The store used without REDIS_URL: a SQLite file of its own."""
    settings.REDIS_URL = ""
    settings.RATE_LIMIT_DB = tmp_path / "ratelimit.sqlite3"
    return settings


@pytest.fixture
def redis_store(settings):
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set (the PostgreSQL + RQ run of .ci/run sets it)")
    return settings


def _hits_in_a_child(count: int) -> list[int]:
    return [hit("report", "192.0.2.9", rate=RATE).count for _ in range(count)]


def test_processes_hitting_one_file_counter_never_lose_a_count(file_store):
    pool = multiprocessing.get_context("fork").Pool(4)
    try:
        counts = sum(pool.map(_hits_in_a_child, [25] * 4), [])
    finally:
        pool.close()  # workers end on their own: no SIGTERM that a handler could swallow
        pool.join()
    assert sorted(counts) == list(range(1, 101))
    assert peek("report", "192.0.2.9", rate=RATE).count == 100


def test_threads_hitting_one_file_counter_never_lose_a_count(file_store):
    with ThreadPoolExecutor(8) as pool:
        counts = list(pool.map(lambda _i: hit("report", "x", rate=RATE).count, range(80)))
    assert sorted(counts) == list(range(1, 81))


def test_threads_hitting_one_redis_counter_never_lose_a_count(redis_store):
    with ThreadPoolExecutor(8) as pool:
        counts = list(pool.map(lambda _i: hit("report", "x", rate=RATE).count, range(200)))
    assert sorted(counts) == list(range(1, 201))


def test_a_file_counter_refuses_over_the_limit_and_starts_again_after_its_window(
    file_store, monkeypatch
):
    now = [1_000_000.0]
    monkeypatch.setattr(ratelimit_store.time, "time", lambda: now[0])
    results = [hit("status", "192.0.2.1", rate=(2, 600)) for _ in range(3)]
    assert [r.refused for r in results] == [False, False, True]
    assert results[2].retry_after == 600
    now[0] += 599
    assert hit("status", "192.0.2.1", rate=(2, 600)).retry_after == 1
    now[0] += 1
    assert not hit("status", "192.0.2.1", rate=(2, 600)).refused


def test_a_redis_counter_always_gets_an_expiry(redis_store):
    client, _script = ratelimit_store._redis(redis_store.REDIS_URL)
    key = counter_key("status", "192.0.2.2")
    client.set(key, 5)  # e.g. left without expiry by a crash or an older version
    counted = hit("status", "192.0.2.2", rate=(10, 60))
    assert counted.count == 6
    assert 0 < client.pttl(key) <= 60_000
    assert 1 <= counted.retry_after <= 60


def test_counters_keep_no_address_in_clear(file_store):
    hit("report", "192.0.2.77")
    stored = file_store.RATE_LIMIT_DB.read_bytes() + b"".join(
        p.read_bytes() for p in file_store.RATE_LIMIT_DB.parent.glob("ratelimit.sqlite3-*")
    )
    assert counter_key("report", "192.0.2.77").encode() in stored
    assert b"192.0.2.77" not in stored
    assert counter_key("report", "192.0.2.77") != counter_key("status", "192.0.2.77")


def test_expired_counters_are_pruned(file_store, monkeypatch):
    monkeypatch.setattr(ratelimit_store, "_PRUNE_EVERY", 1)
    hit("report", "192.0.2.1", rate=(5, 1))
    now = ratelimit_store.time.time()
    monkeypatch.setattr(ratelimit_store.time, "time", lambda: now + 5)
    hit("report", "192.0.2.2", rate=(5, 60))
    rows = ratelimit_store._sqlite().execute("SELECT count(*) FROM counters").fetchone()
    assert rows == (1,)


def test_a_broken_store_lets_the_request_through_and_says_so(settings, caplog):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    ratelimit_store._redis.cache_clear()
    try:
        counted = hit("report", "192.0.2.3")
    finally:
        ratelimit_store._redis.cache_clear()
    assert not counted.refused
    assert "rate limit store failed" in caplog.text
