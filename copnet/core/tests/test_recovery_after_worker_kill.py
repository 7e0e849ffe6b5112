"""Done-when of issue 14 (1): the real platform gets 2,000 reports through the bulk API, its
worker is SIGKILLed while it triages, runplatform starts it again, and every case is triaged
exactly once, with a lead organisation, within 60 s; health says degraded while work is stuck
and ok after. Runs on whichever database and task backend the suite runs on."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings

from copnet.core.tests.live_platform import LivePlatform

REPORTS, PER_CALL = 2000, 500
TRIAGE = "copnet.cases.tasks.triage_cases"
CATEGORIES = ["cyberbullying", "grooming", "scam_gambling", "privacy", "csam", "self_harm"]


def _bulk(platform: LivePlatform, key: str, call: int) -> list[str]:
    reports = [
        {
            "category": CATEGORIES[i % len(CATEGORIES)],
            "description": f"Báo cáo số {i}",
            "urls": [f"https://www.tiktok.com/@u{i}/video/{call}-{i}"],
            "platform": "tiktok",
            "province": "01",
            "external_id": f"e2e-{call}-{i}",
        }
        for i in range(PER_CALL)
    ]
    status, body = platform.request(
        "POST",
        "/api/v1/reports/bulk",
        {"reports": reports},
        {"Authorization": f"Bearer {key}", "Idempotency-Key": f"e2e-call-{call}"},
    )
    assert status == 200, body
    assert body["created"] == PER_CALL, body
    return [r["tracking_code"] for r in body["results"]]


def _wait(what: str, check, timeout: float, every: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(every)
    raise AssertionError(f"{what}: not within {timeout:.0f} s")


def _untriaged(platform: LivePlatform, case_ids: list[int]) -> int:
    ids = ",".join(str(int(pk)) for pk in case_ids)
    return platform.scalar(
        f"SELECT count(*) FROM cases_case WHERE status = 'new' AND id IN ({ids})"  # noqa: S608
    )


def _batch_in_triage(platform: LivePlatform) -> list[int] | None:
    """The case ids of a triage task running now, while its cases are still untriaged."""
    args = platform.running_task_args(TRIAGE)
    if args and _untriaged(platform, args[0]) == len(args[0]):
        return args[0]
    return None


@pytest.mark.skipif(not Path("/proc").exists(), reason="needs /proc to find the worker process")
@pytest.mark.skipif(settings.TASKS_BACKEND == "immediate", reason="no worker to kill")
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_triaging_is_restarted_and_every_case_is_triaged_once(tmp_path):
    platform = LivePlatform(
        tmp_path,
        COPNET_WORKER_HEARTBEAT_S="1",
        COPNET_WORKER_LEASE_S="10",
        COPNET_RECOVERY_INTERVAL_S="2",
        COPNET_RECOVERY_GRACE_S="10",
        COPNET_RESTART_DELAY_S="6",  # long enough to see the stuck state from outside
    )
    key = platform.prepare()
    platform.start()
    try:
        assert platform.health()["status"] in {"ok", "degraded"}
        with ThreadPoolExecutor(max_workers=2) as pool:
            sent = [pool.submit(_bulk, platform, key, call) for call in range(REPORTS // PER_CALL)]
            # SIGKILL the worker in the middle of a triage batch.
            batch = _wait("a triage batch running", lambda: _batch_in_triage(platform), 60, 0.01)
            killed = platform.worker_pid()
            os.kill(killed, signal.SIGKILL)
            # Stuck until the worker is back and has taken the batch up again.
            stuck = _wait(
                "health degraded after the kill",
                lambda: (
                    (h := platform.health()).get("status") == "degraded" and h["stale_tasks"] and h
                ),
                20,
                every=0.2,
            )
            assert stuck["workers"] == 0
            codes = [code for future in sent for code in future.result()]
        assert len(set(codes)) == REPORTS
        assert _untriaged(platform, batch) == len(batch)  # its transaction died with it

        worker = _wait(
            "the worker started again",
            lambda: (pid := platform.worker_pid()) and pid != killed and pid,
            30,
        )
        restarted = time.monotonic()
        _wait(
            "every case triaged",
            lambda: (
                platform.scalar(
                    "SELECT count(*) FROM cases_case WHERE status = 'new' OR lead_org_id IS NULL"
                )
                == 0
            ),
            60,
            every=0.2,
        )
        recovered_s = time.monotonic() - restarted
        assert recovered_s < 60
        healthy = _wait(
            "health ok again", lambda: (h := platform.health()).get("status") == "ok" and h, 30, 0.5
        )
        assert healthy["untriaged_cases"] == healthy["stale_tasks"] == healthy["failed_tasks"] == 0
        assert healthy["workers"] == 1
        assert platform.worker_pid() == worker

        cases = platform.scalar("SELECT count(*) FROM cases_case")
        assert cases == REPORTS  # every report its own address, so its own case
        assert platform.scalar("SELECT count(*) FROM reports_report") == REPORTS
        once = platform.query(
            "SELECT count(DISTINCT case_id), count(*) FROM cases_caseevent WHERE kind = 'triaged'"
        )
        assert once == [(cases, cases)]  # one triage event per case
        assert platform.scalar("SELECT count(*) FROM core_taskrecovery") == 1  # taken back
    finally:
        code = platform.stop()
    assert code == 0, platform.log()
