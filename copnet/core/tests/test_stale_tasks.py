"""A task left running by a dead worker is marked failed and enqueued again, on both backends."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus

from copnet.core.choices import ProcessKind, RecoveryReason
from copnet.core.health import failed_tasks
from copnet.core.models import TaskRecovery, WorkerHeartbeat
from copnet.core.stale_tasks import find_stale_tasks, recover_stale_tasks
from copnet.core.tasks import ping
from copnet.core.tests.test_task_backend import run_worker
from copnet.core.workers import HOST, beat

ON_RQ = settings.TASKS_BACKEND == "rq"


def dead_worker(name: str) -> None:
    """The heartbeat row a SIGKILLed worker leaves: fresh, but its process is gone."""
    child = subprocess.Popen(["true"])
    child.wait()
    beat(name, ProcessKind.WORKER, timezone.now())
    WorkerHeartbeat.objects.filter(name=name).update(pid=child.pid, host=HOST)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS_BACKEND = "database"
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }


def claim_on_database(result, worker: str) -> None:
    """What db_worker does when it takes a task (then it was killed)."""
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.get(pk=result.id).claim(worker)


@pytest.mark.django_db(transaction=True)
def test_a_database_task_of_a_dead_worker_is_failed_and_run_again(database_tasks):
    from django_tasks_db.models import DBTaskResult

    held = ping.enqueue("lost")
    dead_worker("worker-dead")
    claim_on_database(held, "worker-dead")
    beat("worker-alive", ProcessKind.WORKER, timezone.now())  # this process: alive
    busy = ping.enqueue("busy")
    claim_on_database(busy, "worker-alive")

    assert [s.id for s in find_stale_tasks()] == [str(held.id)]
    assert recover_stale_tasks() == 1

    held.refresh()
    assert held.status == TaskResultStatus.FAILED
    assert held.errors[0].exception_class_path == "copnet.core.stale_tasks.WorkerLost"
    recovery = TaskRecovery.objects.get()
    assert (recovery.task_id, recovery.reason, recovery.worker) == (
        str(held.id),
        RecoveryReason.WORKER_LOST,
        "worker-dead",
    )
    replacement = DBTaskResult.objects.get(pk=recovery.replacement_id)
    assert replacement.status == TaskResultStatus.READY
    assert replacement.task_path == "copnet.core.tasks.ping"
    assert replacement.args_kwargs == {"args": ["lost"], "kwargs": {}}
    assert DBTaskResult.objects.get(pk=busy.id).status == TaskResultStatus.RUNNING
    assert failed_tasks(timezone.now()) == 0  # replaced, so not a failure that stays

    assert recover_stale_tasks() == 0  # nothing twice
    assert TaskRecovery.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_worker_whose_process_id_now_belongs_to_a_newer_process_is_dead(database_tasks):
    held = ping.enqueue("pid reused")
    beat("worker-old", ProcessKind.WORKER, timezone.now() - dt.timedelta(hours=1))
    # Its id was given to a process that started after it (this one stands in for that).
    assert WorkerHeartbeat.objects.get(name="worker-old").host == HOST
    claim_on_database(held, "worker-old")
    assert [s.reason for s in find_stale_tasks()] == [RecoveryReason.WORKER_LOST]


@pytest.mark.django_db(transaction=True)
def test_a_task_running_longer_than_the_limit_is_replaced_even_without_a_heartbeat(
    database_tasks, settings
):
    from django_tasks_db.models import DBTaskResult

    settings.TASK_MAX_RUNTIME_S = 600
    result = ping.enqueue("slow")
    claim_on_database(result, "a-worker-without-heartbeat")
    assert find_stale_tasks() == []  # unknown worker, started just now: give it time
    DBTaskResult.objects.filter(pk=result.id).update(
        started_at=timezone.now() - dt.timedelta(seconds=601)
    )
    assert recover_stale_tasks() == 1
    assert TaskRecovery.objects.get().reason == RecoveryReason.TOO_LONG


@pytest.mark.django_db(transaction=True)
def test_a_task_that_keeps_killing_its_worker_is_given_up_and_shows_as_failed(
    database_tasks, settings
):
    settings.TASK_RECOVERY_ATTEMPTS = 2
    result = ping.enqueue("poison")
    for attempt in range(3):
        dead_worker(f"worker-{attempt}")
        claim_on_database(result, f"worker-{attempt}")
        replaced = recover_stale_tasks()
        recovery = TaskRecovery.objects.get(task_id=str(result.id))
        if attempt < 2:
            assert replaced == 1
            result = ping.get_result(recovery.replacement_id)
        else:
            assert replaced == 0
            assert recovery.replacement_id == ""
    assert TaskRecovery.objects.count() == 3
    assert failed_tasks(timezone.now()) == 1


@pytest.mark.skipif(not ON_RQ, reason="needs TASKS_BACKEND=rq and Redis")
@pytest.mark.django_db(transaction=True)
def test_an_rq_job_of_a_dead_worker_leaves_the_started_registry_and_runs_again():
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    held = ping.enqueue("lost on rq")
    queue = django_rq.get_queue("default", job_class=Job)
    # The bookkeeping of a SimpleWorker taking the job, then dying before it finished.
    worker = SimpleWorker([queue], connection=queue.connection, job_class=Job, name="worker-dead")
    job, _queue = worker.dequeue_job_and_maintain_ttl(timeout=1)
    worker.prepare_execution(job)
    worker.prepare_job_execution(job)
    dead_worker("worker-dead")
    held.refresh()
    assert held.status == TaskResultStatus.RUNNING
    assert [s.id for s in find_stale_tasks()] == [held.id]

    assert recover_stale_tasks() == 1

    held.refresh()
    assert held.status == TaskResultStatus.FAILED
    assert held.id in queue.failed_job_registry.get_job_ids()
    assert queue.started_job_registry.get_job_ids(cleanup=False) == []
    replacement = ping.get_result(TaskRecovery.objects.get(task_id=held.id).replacement_id)
    assert replacement.args == ["lost on rq"]
    assert failed_tasks(timezone.now()) == 0

    run_worker()
    replacement.refresh()
    assert replacement.status == TaskResultStatus.SUCCESSFUL
    assert replacement.return_value == "lost on rq"
    assert recover_stale_tasks() == 0
