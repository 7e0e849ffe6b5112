"""The one "message to the reporter" a case had becomes a message to each reporter of the case
(`ReportMessage`): whoever saw it before still sees it, and from now on each reporter sees only
what is written to them. Author and time come from the case's last message event."""

from django.conf import settings
from django.db import migrations

BATCH = 500


def to_each_report(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    Report = apps.get_model("reports", "Report")
    ReportMessage = apps.get_model("cases", "ReportMessage")
    rows = []
    # The column is encrypted: SQL can only tell empty from NULL, so every case is read.
    for case in Case.objects.only("pk", "status_message").iterator(chunk_size=BATCH):
        text = (case.status_message or "").strip()
        if not text:
            continue
        event = (
            CaseEvent.objects.filter(case_id=case.pk, kind="status_message")
            .order_by("-at", "-id")
            .first()
        )
        for report in Report.objects.filter(case_id=case.pk).only("pk", "language"):
            message = ReportMessage(
                report_id=report.pk,
                text=text,
                language=report.language or settings.LANGUAGE_CODE,
                author_id=event.actor_id if event else None,
            )
            if event is not None:
                message.created_at = event.at
            rows.append(message)
        if len(rows) >= BATCH:
            ReportMessage.objects.bulk_create(rows)
            rows = []
    ReportMessage.objects.bulk_create(rows)


def back_to_the_case(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    ReportMessage = apps.get_model("cases", "ReportMessage")
    for message in ReportMessage.objects.select_related("report").order_by("created_at", "id"):
        Case.objects.filter(pk=message.report.case_id).update(status_message=message.text)
    ReportMessage.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_report_messages_msgroute")]

    operations = [migrations.RunPython(to_each_report, back_to_the_case)]
