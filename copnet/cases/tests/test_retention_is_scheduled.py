"""One scheduled job runs every retention rule; each step reports what it erased."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from copnet.audit.models import AuditEvent
from copnet.cases.tasks import purge_personal_data_task
from copnet.core.schedule import schedule

pytestmark = pytest.mark.django_db
STEPS = {
    "cases",
    "applications",
    "volunteers",
    "idempotency_records",
    "sessions",
    "audit_origins",
    "login_records",
    "emails",
    "pending_uploads",
    "reporter_identity",
}


def test_the_scheduler_enqueues_the_purge_every_six_hours():
    entry = next(p for p in schedule() if p.name == "purge personal data")
    assert entry.every == 6 * 3600
    assert entry.enqueue == purge_personal_data_task.enqueue


def test_the_job_runs_every_step_and_audits_what_it_erased(client, alice):
    client.force_login(alice)
    client.logout()  # leaves no live session; nothing is old enough yet
    summary = purge_personal_data_task.call()
    assert set(summary) == STEPS
    assert set(summary.values()) == {0}
    assert not AuditEvent.objects.filter(target_type="privacy.retention").exists()


def test_the_command_reports_each_step():
    out = StringIO()
    call_command("purge_personal_data", "--days", "0", stdout=out)
    text = out.getvalue()
    assert "Purged personal data of 0 closed cases." in text
    assert all(step in text for step in STEPS - {"cases"})
