"""The same task code runs on whichever backend the settings choose (database or RQ)."""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings
from django.core.management import call_command
from django_tasks import TaskResultStatus

from copnet.core.tasks import ping


def run_worker() -> None:
    if settings.TASKS_BACKEND == "rq":
        import django_rq
        from django_tasks_rq import Job
        from rq import SimpleWorker

        queues = [django_rq.get_queue(name, job_class=Job) for name in settings.TASK_QUEUES]
        SimpleWorker(queues, connection=queues[0].connection, job_class=Job).work(burst=True)
    else:
        call_command(
            "db_worker",
            batch=True,
            startup_delay=False,
            verbosity=0,
            queue_name=",".join(settings.TASK_QUEUES),
        )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(settings.TASKS_BACKEND == "immediate", reason="no worker with immediate tasks")
def test_a_task_enqueued_on_the_configured_backend_is_run_by_its_worker():
    token = uuid.uuid4().hex
    result = ping.enqueue(token)
    assert result.status == TaskResultStatus.READY

    run_worker()

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == token
