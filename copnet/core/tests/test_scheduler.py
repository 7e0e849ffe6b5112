"""The scheduler enqueues periodic work on time, never piles up copies, and survives errors."""

from __future__ import annotations

import pytest
from django.conf import settings
from django_tasks import TaskResultStatus

from copnet.core.maintenance import recover_work_task
from copnet.core.schedule import FIRST_RUN_S, Periodic, Scheduler, schedule
from copnet.core.tasks import ping
from copnet.core.tests.test_task_backend import run_worker

pytestmark = pytest.mark.skipif(
    settings.TASKS_BACKEND == "immediate", reason="needs a queue to wait in"
)


def test_recovery_is_scheduled_at_its_configured_interval(settings):
    settings.RECOVERY_INTERVAL_S = 7
    [recovery] = [e for e in schedule() if e.name == "recover stuck work"]
    assert recovery.every == 7
    assert recovery.enqueue.__self__ is recover_work_task


@pytest.mark.django_db(transaction=True)
def test_a_job_still_waiting_in_the_queue_is_not_enqueued_again():
    sent = []

    def enqueue():
        sent.append(ping.enqueue("tick"))
        return sent[-1]

    scheduler = Scheduler([Periodic("ping", 10, enqueue)], started=0.0)
    assert scheduler.tick(9.0) == []  # first run after min(FIRST_RUN_S, every)
    assert scheduler.tick(10.0) == ["ping"]
    assert scheduler.tick(20.0) == []  # the first one still waits: no second copy
    assert len(sent) == 1

    run_worker()
    sent[0].refresh()
    assert sent[0].status == TaskResultStatus.SUCCESSFUL
    assert scheduler.tick(30.0) == ["ping"]
    assert len(sent) == 2


def test_an_entry_that_cannot_be_enqueued_is_tried_again_next_period_and_others_still_run():
    calls = []

    def broken():
        calls.append("broken")
        raise ConnectionError("Redis is away")

    def fine():
        calls.append("fine")

    scheduler = Scheduler([Periodic("broken", 5, broken), Periodic("fine", 5, fine)], started=0)
    assert scheduler.tick(5.0) == ["fine"]
    assert scheduler.tick(10.0) == ["fine"]
    assert calls == ["broken", "fine", "broken", "fine"]


def test_long_periods_start_one_minute_after_the_scheduler():
    scheduler = Scheduler([Periodic("daily", 86400, lambda: None)], started=100.0)
    assert scheduler.next_run["daily"] == 100.0 + FIRST_RUN_S
