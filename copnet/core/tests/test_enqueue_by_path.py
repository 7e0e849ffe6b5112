"""Services name their own app's tasks by dotted path (so that they never import `tasks.py`);
the path is resolved in the caller, before the commit, and a wrong one enqueues nothing."""

from __future__ import annotations

import pytest
from django_tasks import task_backends

from copnet.core.tasks import enqueue_on_commit, ping, task_by_path


@pytest.fixture
def dummy_tasks(settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": settings.TASK_QUEUES,
        }
    }
    backend = task_backends["default"]
    backend.clear()
    return backend


def test_a_task_path_names_the_task_itself():
    assert task_by_path("copnet.core.tasks.ping") is ping


@pytest.mark.django_db
def test_a_task_named_by_path_is_enqueued_once_the_transaction_commits(
    dummy_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit("copnet.cases.tasks.notify_assignments", [7, 8])
        assert dummy_tasks.results == []  # nothing before the commit

    (result,) = dummy_tasks.results
    assert result.task.module_path == "copnet.cases.tasks.notify_assignments"
    assert result.args == [[7, 8]]


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("copnet.cases.tasks.no_such_task", ImportError),
        ("copnet.nowhere.tasks.ping", ImportError),
        ("copnet.core.tasks.enqueue_on_commit", TypeError),  # a function, not a task
    ],
)
@pytest.mark.django_db
def test_a_wrong_task_path_fails_in_the_caller_and_enqueues_nothing(
    path, error, dummy_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(error):
        enqueue_on_commit(path, 1)
    assert callbacks == []
    assert dummy_tasks.results == []
