from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_health_reports_database_and_configured_task_backend(client, settings):
    response = client.get("/api/v1/health")
    body = response.json()
    assert response.status_code == 200
    assert body == {
        "status": "ok",
        "database": "ok",
        "tasks": "ok",
        "tasks_backend": settings.TASKS_BACKEND,
    }


@pytest.mark.django_db
def test_health_answers_503_when_the_task_backend_is_unreachable(client, settings):
    settings.TASKS_BACKEND = "rq"
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/api/v1/health")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "error"
    assert body["database"] == "ok"
    assert body["tasks"].startswith("error")
