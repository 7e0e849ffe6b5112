"""/api/v1/health: ok; degraded, with counts, when work is stuck or no worker runs; error."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus

from copnet.cases.models import Case
from copnet.core.choices import ProcessKind
from copnet.core.models import TaskRecovery, WorkerHeartbeat
from copnet.core.tasks import ping
from copnet.core.workers import HOST, beat
from copnet.reports.tests.factories import file_report

pytestmark = pytest.mark.django_db

COUNTS = {
    "untriaged_cases",
    "stale_tasks",
    "failed_tasks",
    "workers",
    "worker_last_seen_s",
    "schedulers",
    "scheduler_last_seen_s",
}


@pytest.fixture
def database_tasks(settings):
    """The database task backend, whatever the suite runs on (its table exists either way)."""
    settings.TASKS_BACKEND = "database"
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }


@pytest.fixture
def alive():
    """A worker and a scheduler that beat just now (this test process stands in for both)."""
    started = timezone.now()
    beat("worker-test", ProcessKind.WORKER, started)
    beat("scheduler-test", ProcessKind.SCHEDULER, started)


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_health_is_ok_when_work_flows_and_a_worker_and_the_scheduler_run(client, settings, alive):
    response = client.get("/api/v1/health")
    body = response.json()
    assert response.status_code == 200
    assert body["worker_last_seen_s"] < 5
    assert body["scheduler_last_seen_s"] < 5
    assert body == {
        "status": "ok",
        "database": "ok",
        "tasks": "ok",
        "tasks_backend": settings.TASKS_BACKEND,
        "untriaged_cases": 0,
        "stale_tasks": 0,
        "failed_tasks": 0,
        "workers": 1,
        "worker_last_seen_s": body["worker_last_seen_s"],
        "schedulers": 1,
        "scheduler_last_seen_s": body["scheduler_last_seen_s"],
        "components": {"pdq_index": "in memory"},  # the suite keeps PDQ in memory
    }


def test_health_is_degraded_while_no_worker_or_scheduler_has_ever_been_seen(client):
    response = client.get("/api/v1/health")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["workers"] == 0
    assert body["worker_last_seen_s"] is None
    assert body["schedulers"] == 0


def test_a_worker_on_another_host_silent_for_longer_than_its_lease_counts_as_gone(
    client, settings, alive
):
    settings.WORKER_LEASE_S = 30
    WorkerHeartbeat.objects.filter(kind=ProcessKind.WORKER).update(
        host="worker-host-2", seen_at=timezone.now() - dt.timedelta(seconds=95)
    )
    body = client.get("/api/v1/health").json()
    assert body["status"] == "degraded"
    assert body["workers"] == 0
    assert 95 <= body["worker_last_seen_s"] < 100


def test_a_worker_on_this_host_counts_by_its_process_not_by_a_late_heartbeat(
    client, settings, alive
):
    settings.WORKER_LEASE_S = 30
    WorkerHeartbeat.objects.filter(kind=ProcessKind.WORKER).update(
        seen_at=timezone.now() - dt.timedelta(seconds=95)  # e.g. SQLite kept it waiting
    )
    body = client.get("/api/v1/health").json()
    assert body["workers"] == 1
    assert body["status"] == "ok"


def test_a_worker_whose_process_is_gone_counts_as_gone_at_once(client, alive):
    WorkerHeartbeat.objects.filter(kind=ProcessKind.WORKER).update(pid=dead_pid(), host=HOST)
    body = client.get("/api/v1/health").json()
    assert body["status"] == "degraded"
    assert body["workers"] == 0
    assert body["worker_last_seen_s"] < 5  # it did beat a moment ago


def test_cases_untriaged_past_the_grace_period_make_it_degraded(
    client, settings, alive, reference_data, evidence_dir
):
    settings.RECOVERY_GRACE_S = 120
    late, _ = file_report(urls=["https://example.com/a"], enqueue_triage=False)
    file_report(urls=["https://example.com/b"], enqueue_triage=False)  # within the grace period
    Case.objects.filter(pk=late.case_id).update(
        created_at=timezone.now() - dt.timedelta(seconds=121)
    )
    body = client.get("/api/v1/health").json()
    assert body["status"] == "degraded"
    assert body["untriaged_cases"] == 1
    assert set(body) == {"status", "database", "tasks", "tasks_backend", "components", *COUNTS}
    assert late.tracking_code not in str(body)
    assert "example.com" not in str(body)


def test_a_task_held_by_a_dead_worker_is_counted_as_stale(client, database_tasks, alive):
    from django_tasks_db.models import DBTaskResult

    result = ping.enqueue("held")
    beat("worker-dead", ProcessKind.WORKER, timezone.now())
    WorkerHeartbeat.objects.filter(name="worker-dead").update(pid=dead_pid(), host=HOST)
    DBTaskResult.objects.get(pk=result.id).claim("worker-dead")

    body = client.get("/api/v1/health").json()
    assert body["status"] == "degraded"
    assert body["stale_tasks"] == 1
    assert body["tasks_backend"] == "database"


def test_a_recent_failure_counts_until_the_task_was_enqueued_again(
    client, settings, database_tasks, alive
):
    from django_tasks_db.models import DBTaskResult

    settings.HEALTH_FAILED_WINDOW_S = 600
    old, recent, replaced = (ping.enqueue(t) for t in ("old", "recent", "replaced"))
    for result in (old, recent, replaced):
        DBTaskResult.objects.get(pk=result.id).set_failed(RuntimeError("boom"))
    DBTaskResult.objects.filter(pk=old.id).update(
        finished_at=timezone.now() - dt.timedelta(seconds=601)
    )
    TaskRecovery.objects.create(
        task_id=str(replaced.id),
        task_path="x",
        digest="d",
        reason="worker_lost",
        replacement_id="1",
    )
    body = client.get("/api/v1/health").json()
    assert body["status"] == "degraded"
    assert body["failed_tasks"] == 1
    assert DBTaskResult.objects.get(pk=recent.id).status == TaskResultStatus.FAILED


def test_health_answers_503_when_the_task_backend_is_unreachable(client, settings):
    settings.TASKS_BACKEND = "rq"
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/api/v1/health")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "error"
    assert body["database"] == "ok"
    assert body["tasks"].startswith("error")
    assert body["untriaged_cases"] is None
