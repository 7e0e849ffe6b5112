"""Upgrading: the one message a case had for "the reporter" becomes a message to each reporter
of the case (cases 0006), with its author and time, encrypted; the case field is gone."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("cases", "0005_report_messages_msgroute")]


@pytest.mark.django_db(transaction=True)
def test_the_case_message_moves_to_every_report_of_the_case(reference_data, coordinator):
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        apps = executor.loader.project_state(BEFORE).apps
        Case = apps.get_model("cases", "Case")
        Report = apps.get_model("reports", "Report")
        CaseEvent = apps.get_model("cases", "CaseEvent")
        category = apps.get_model("taxonomy", "HarmCategory").objects.get(code="sextortion")
        now = timezone.now()
        joined = Case.objects.create(
            reference="C25-JOIN001",
            category=category,
            ack_due=now,
            action_due=now,
            close_due=now,
            status_message="Chúng tôi đã nhận được phản ánh.",
        )
        quiet = Case.objects.create(
            reference="C25-QUIET01", category=category, ack_due=now, action_due=now, close_due=now
        )
        codes = {}
        for n, (case, language) in enumerate([(joined, "vi"), (joined, "en"), (quiet, "")]):
            report = Report.objects.create(
                tracking_code=f"OLD0{n}-OLD0{n}",
                secret_hash="0" * 64,
                channel="web",
                category=category,
                case=case,
                language=language,
            )
            codes[report.pk] = language
        written = CaseEvent.objects.create(
            case=joined, kind="status_message", actor_id=coordinator.pk, actor_label="c"
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)

    from copnet.cases.models import Case as CaseNow
    from copnet.cases.models import ReportMessage

    messages = list(ReportMessage.objects.select_related("report").order_by("report_id"))
    assert [m.report.tracking_code for m in messages] == ["OLD00-OLD00", "OLD01-OLD01"]
    for message in messages:
        assert message.text == "Chúng tôi đã nhận được phản ánh."
        assert message.language == codes[message.report_id]
        assert (message.author_id, message.created_at) == (coordinator.pk, written.at)
        with connection.cursor() as cursor:
            cursor.execute("SELECT text FROM cases_reportmessage WHERE id = %s", [message.pk])
            assert cursor.fetchone()[0].startswith("gAAAAA")  # still encrypted
    assert "status_message" not in {f.name for f in CaseNow._meta.get_fields()}
