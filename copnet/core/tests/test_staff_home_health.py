"""Coordinators see on the staff home whether background work flows; nobody else does."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.utils import timezone

from copnet.cases.models import Case
from copnet.core.choices import ProcessKind
from copnet.core.health_checks import HEALTH_CHECKS
from copnet.core.testing import vi
from copnet.core.workers import beat
from copnet.reports.tests.factories import file_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def running():
    beat("worker-test", ProcessKind.WORKER, timezone.now())
    beat("scheduler-test", ProcessKind.SCHEDULER, timezone.now())


def test_coordinators_see_that_work_flows(client, coordinator, running):
    client.force_login(coordinator)
    html = client.get("/staff/").content.decode()
    assert 'data-status="ok"' in html
    assert vi("running normally") in html


def test_coordinators_see_what_is_stuck_in_their_language(
    client, coordinator, settings, evidence_dir
):
    settings.RECOVERY_GRACE_S = 600
    report, _ = file_report(urls=["https://example.com/x"], enqueue_triage=False)
    Case.objects.filter(pk=report.case_id).update(
        created_at=timezone.now() - dt.timedelta(minutes=11)
    )
    client.force_login(coordinator)

    html = client.get("/staff/").content.decode()
    assert 'data-status="degraded"' in html
    assert vi("needs attention") in html
    assert vi("No task worker has been seen.") in html
    assert "1 vụ việc vẫn chưa được phân loại sau hơn 10 phút" in html

    english = client.get("/staff/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 case is still untriaged more than 10 minutes after it opened." in english
    assert "No scheduler has been seen." in english


def test_other_staff_do_not_see_the_platform_health(client, alice, bob, running):
    for user in (alice, bob):
        client.force_login(user)
        html = client.get("/staff/").content.decode()
        assert "platform-health" not in html


def test_coordinators_see_a_damaged_detection_index(client, coordinator, running, monkeypatch):
    damaged_check = dataclasses.replace(HEALTH_CHECKS["pdq_index"], check=lambda: "error: damaged")
    monkeypatch.setitem(HEALTH_CHECKS, "pdq_index", damaged_check)
    client.force_login(coordinator)
    html = client.get("/staff/").content.decode()
    assert 'data-status="degraded"' in html
    damaged = (
        "The detection index file is damaged; it is rebuilt from the database at the next match."
    )
    assert vi(damaged) in html
