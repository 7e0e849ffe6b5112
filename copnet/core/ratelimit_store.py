"""Where rate-limit counters live: fixed windows, counted atomically by every process.

- With `REDIS_URL`: Redis, one Lua script per hit (INCRBY, and PEXPIRE on a key without expiry),
  atomic on the server and shared by every host. Django's `cache.incr` is not used: it checks
  EXISTS then INCRBY, and a key expiring in between comes back without expiry (a lock-out for
  good).
- Otherwise: a small SQLite file of its own (`RATE_LIMIT_DB`, beside the data, not the app's
  database), one `INSERT … ON CONFLICT DO UPDATE … RETURNING` per hit, which SQLite runs
  atomically for every process and thread of the host. Not the default file cache: its
  `add`/`incr` read then write (concurrent requests lose counts) and past 300 entries it deletes
  a random third of them, counters included.

Keys are HMACs (see `ratelimit.counter_key`); nothing else is stored, and rows expire with
their window (expired rows are pruned now and then).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from functools import lru_cache
from itertools import count
from typing import Any

from django.conf import settings

_LUA_HIT = """
local n = redis.call('INCRBY', KEYS[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
"""
_SQL_HIT = """
INSERT INTO counters (key, n, ends) VALUES (:key, :cost, :ends)
ON CONFLICT (key) DO UPDATE SET
    n = CASE WHEN counters.ends <= :now THEN :cost ELSE counters.n + :cost END,
    ends = CASE WHEN counters.ends <= :now THEN :ends ELSE counters.ends END
RETURNING n, ends
"""
_PRUNE_EVERY = 1000
_hits = count(1)


@lru_cache(maxsize=4)
def _redis(url: str) -> tuple[Any, Any]:
    import redis

    client = redis.Redis.from_url(url)
    return client, client.register_script(_LUA_HIT)


_local = threading.local()


def _open(path: str) -> sqlite3.Connection:
    """Open (and on first use create) the counter file.

    Switching a file to WAL needs an exclusive lock, and SQLite answers "database is locked"
    at once, without waiting, when processes race to do it on a new file: the set-up runs
    under a lock file, one process at a time.
    """
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(f"{path}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        conn = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")  # a lost counter after a crash is harmless
        conn.execute(
            "CREATE TABLE IF NOT EXISTS counters "
            "(key TEXT PRIMARY KEY, n INTEGER NOT NULL, ends REAL NOT NULL) WITHOUT ROWID"
        )
    return conn


def _sqlite() -> sqlite3.Connection:
    """One connection per process, thread and file (a forked child opens its own)."""
    path = str(settings.RATE_LIMIT_DB)
    owner = (os.getpid(), path)
    if getattr(_local, "owner", None) != owner:
        _local.conn, _local.owner = _open(path), owner
    return _local.conn


def hit(key: str, seconds: int, cost: int) -> tuple[int, float]:
    """Add `cost` to the counter; (count in this window, seconds until it ends)."""
    if settings.REDIS_URL:
        client, script = _redis(settings.REDIS_URL)
        value, ttl_ms = script(keys=[key], args=[seconds * 1000, cost], client=client)
        return int(value), int(ttl_ms) / 1000
    conn, now = _sqlite(), time.time()
    value, ends = conn.execute(
        _SQL_HIT, {"key": key, "cost": cost, "ends": now + seconds, "now": now}
    ).fetchone()
    if next(_hits) % _PRUNE_EVERY == 0:
        conn.execute("DELETE FROM counters WHERE ends <= ?", (now,))
    return int(value), ends - now


def peek(key: str) -> tuple[int, float]:
    if settings.REDIS_URL:
        client, _script = _redis(settings.REDIS_URL)
        raw, ttl_ms = client.get(key), client.pttl(key)
        return int(raw or 0), max(0, ttl_ms) / 1000
    now = time.time()
    row = (
        _sqlite()
        .execute("SELECT n, ends FROM counters WHERE key = ? AND ends > ?", (key, now))
        .fetchone()
    )
    return (int(row[0]), row[1] - now) if row else (0, 0.0)


def forget(key: str) -> None:
    if settings.REDIS_URL:
        _redis(settings.REDIS_URL)[0].delete(key)
    else:
        _sqlite().execute("DELETE FROM counters WHERE key = ?", (key,))


def forget_all() -> None:
    """Every counter (tests; `manage.py axes_reset`)."""
    if settings.REDIS_URL:
        client, _script = _redis(settings.REDIS_URL)
        for key in client.scan_iter(match="rl:*", count=1000):
            client.delete(key)
    else:
        _sqlite().execute("DELETE FROM counters")
