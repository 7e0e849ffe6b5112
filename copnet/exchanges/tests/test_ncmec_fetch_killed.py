"""Done-when of issue 22 (resume): a fetch of hashes from the local NCMEC-style server
(20,000 by default; 100,000 with COPNET_TEST_KILLED_FETCH_HASHES=100000) runs in its own
process (`manage.py fetch_exchange`), is SIGKILLed half-way while it writes, and a second
process resumes it from the stored checkpoint: every hash is stored exactly once. Runs on the
suite's database (the test database on PostgreSQL, a copy in a file on SQLite)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from copnet.core.tests.live_platform import MANAGE, LivePlatform

from .factories import make_exchange
from .test_ncmec_fetch import entries, md5_of

# 20,000 by default (20 pages, killed after the 10th): the 100,000 of the done-when take about
# two minutes on a loaded two-core machine. COPNET_TEST_KILLED_FETCH_HASHES=100000 runs those.
HASHES = int(os.environ.get("COPNET_TEST_KILLED_FETCH_HASHES", "20000"))
KILL_AFTER_PAGE = HASHES // 2000  # half of the pages of 1,000
COUNT_SQL = "SELECT count(*) FROM banks_bankentry WHERE bank_id = ?"
VALUES_SQL = "SELECT value FROM banks_bankentry WHERE bank_id = ?"


def _fetch_process(platform: LivePlatform, name: str, log: Path) -> subprocess.Popen[str]:
    with log.open("w") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [*MANAGE, "fetch_exchange", name],
            env={
                **platform.env,
                "COPNET_EXCHANGE_HTTP_ATTEMPTS": "3",
                "COPNET_EXCHANGE_HTTP_TIMEOUT": "20",
                "COPNET_EXCHANGE_MAX_RETRY_WAIT": "0",
            },
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )


def _query(platform: LivePlatform, sql: str, pk: int) -> list[tuple[Any, ...]]:
    """`sql` with its one `?` replaced by the integer id (the platform reads raw SQL)."""
    return platform.query(sql.replace("?", str(int(pk))))


def _copy_database_to(platform: LivePlatform) -> None:
    """On SQLite the suite's in-memory database becomes the file the processes open."""
    if platform.postgres:
        return
    connection.ensure_connection()
    target = sqlite3.connect(platform.data_dir / "copnet.sqlite3")
    try:
        connection.connection.backup(target)
    finally:
        target.close()


@pytest.mark.skipif(not Path("/proc").exists(), reason="needs /proc to tell a dead claimant")
@pytest.mark.django_db(transaction=True)
def test_a_fetch_process_sigkilled_halfway_is_resumed_and_keeps_every_hash_once(
    ncmec_server, coordinator, tmp_path
):
    ncmec_server.add(entries(HASHES, base_ts=int(time.time()) - 3600))
    exchange = make_exchange(coordinator, kind="ncmec", url=ncmec_server.url)
    platform = LivePlatform(tmp_path)
    _copy_database_to(platform)
    bank = exchange.bank_id

    def rows() -> int:
        return int(
            _query(platform, "SELECT count(*) FROM banks_bankentry WHERE bank_id = ?", bank)[0][0]
        )

    fetching: list[subprocess.Popen[str]] = []

    def kill_while_it_writes(pages: int) -> None:
        if pages == KILL_AFTER_PAGE:
            # A moment after the page left: the process is parsing or writing it.
            threading.Timer(0.03, os.kill, (fetching[0].pid, signal.SIGKILL)).start()

    ncmec_server.failures.after_page = kill_while_it_writes
    first = _fetch_process(platform, exchange.name, tmp_path / "first.log")
    fetching.append(first)
    assert first.wait(timeout=120) == -signal.SIGKILL, (tmp_path / "first.log").read_text()
    ncmec_server.failures.after_page = None

    # What survived the kill is exactly what the stored checkpoint says was committed.
    claim_sql = "SELECT checkpoint, fetching_by FROM exchanges_exchange WHERE id = ?"
    ((checkpoint_json, fetching_by),) = _query(platform, claim_sql, exchange.pk)
    checkpoint = (
        json.loads(checkpoint_json) if isinstance(checkpoint_json, str) else checkpoint_json
    )
    assert "next" in checkpoint, checkpoint  # killed mid-window
    committed = int(checkpoint["next"].split("start=")[1].split("&")[0])
    assert rows() == committed
    assert 0.4 * HASHES <= committed <= 0.6 * HASHES  # half-way
    assert fetching_by.split("|")[1] == str(first.pid)  # the dead process still holds the claim
    runs_sql = (
        "SELECT status, error, added FROM exchanges_fetchrun WHERE exchange_id = ? ORDER BY id"
    )
    assert [run[0] for run in _query(platform, runs_sql, exchange.pk)] == ["running"]

    asked_before = len(ncmec_server.requests)
    second = _fetch_process(platform, exchange.name, tmp_path / "second.log")
    assert second.wait(timeout=120) == 0, (tmp_path / "second.log").read_text()

    resumed = [path for _m, path, _h, _b in ncmec_server.requests[asked_before:]]
    assert f"start={committed}" in resumed[0]  # no page before the checkpoint read again
    assert len(resumed) == (HASHES - committed) // 1000
    assert rows() == HASHES
    values = {
        value
        for (value,) in _query(
            platform, "SELECT value FROM banks_bankentry WHERE bank_id = ?", bank
        )
    }
    assert values == {md5_of(n) for n in range(HASHES)}
    runs = sorted(_query(platform, runs_sql, exchange.pk), key=lambda run: run[0] != "failed")
    assert [(status, added) for status, _error, added in runs] == [
        ("failed", committed),
        ("done", HASHES - committed),
    ]
    assert runs[0][1]  # "the fetch was interrupted", in the process's language
    ((_checkpoint, fetching_by),) = _query(platform, claim_sql, exchange.pk)
    assert fetching_by == ""
