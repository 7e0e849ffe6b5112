"""Upgrading a database that an older version filled in clear text encrypts what it finds.

The schema is migrated back to just before the encryption migrations, rows are written the
way the older code wrote them, and the database is migrated forward again: every personal
value is then a Fernet token that the models read back unchanged, addresses and e-mails get
their keyed hashes, and old audit rows lose what they should never have kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from copnet.core.crypto import lookup_hash

BEFORE = [
    # accounts stays at its latest: the rows written below need its current columns.
    ("accounts", "0004_user_session_stamp"),
    ("audit", "0004_protect_actors"),
    ("cases", "0002_initial"),
    ("feed", "0001_initial"),
    ("reports", "0002_initial"),
    ("takedowns", "0001_initial"),
    ("volunteers", "0001_initial"),
]
URL = "https://old.example/u/be-na"


def raw(table: str, column: str, pk: int) -> str:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote(column)} FROM {quote(table)} WHERE id = %s", [pk])  # noqa: S608
        value = cursor.fetchone()[0]
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def write_old_rows(apps) -> dict[str, int]:
    get = apps.get_model
    now = timezone.now()
    category = get("taxonomy", "HarmCategory").objects.get(code="privacy")
    org = get("network", "Organisation").objects.get(code="VNCERT")
    case = get("cases", "Case").objects.create(
        reference="C25-OLD0001",
        category=category,
        ack_due=now,
        action_due=now,
        close_due=now,
        outcome_note="đã gọi mẹ em",
        status_message="Chúng tôi đã liên hệ",
    )
    action = get("cases", "CaseAction").objects.create(
        case=case, kind="advice_given", note="0912 111 222"
    )
    report = get("reports", "Report").objects.create(
        tracking_code="OLD01-OLD01",
        secret_hash="0" * 64,
        channel="api",
        category=category,
        case=case,
        external_id="partner-ref-Hoa",
    )
    address = get("reports", "ReportUrl").objects.create(
        report=report,
        url=URL,
        normalised=URL,
        url_key=hashlib.sha256(URL.split("://")[1].encode()).hexdigest(),
        host="old.example",
    )
    key = get("accounts", "ApiKey").objects.create(
        organisation=org, name="k", prefix="oldprefix", key_hash="1" * 64
    )
    replay = get("reports", "IdempotencyRecord").objects.create(
        api_key=key, key="k1", request_hash="2" * 64, status=200, response={"detail": "Hoa"}
    )
    platform = get("takedowns", "Platform").objects.create(code="oldp", name="Old", kind="social")
    request = get("takedowns", "RemovalRequest").objects.create(
        reference="R25-OLD0001",
        case=case,
        platform=platform,
        legal_basis="authority_request",
        notice="Gỡ @be_na",
        answer_note="đã gỡ @be_na",
    )
    item = get("takedowns", "RemovalItem").objects.create(
        request=request, kind="account", value="@be_na", check_detail="HTTP 404"
    )
    appeal = get("feed", "Appeal").objects.create(
        address=URL, contact="chu@old.example", explanation="trang của tôi", case=case
    )
    user = get("accounts", "User").objects.create(email="ctv@old.example", password="!")
    application = get("volunteers", "Application").objects.create(
        full_name="Lê Hoa",
        email="hoa@old.example",
        date_of_birth=dt.date(2001, 2, 3),
        province="01",
        background="teacher",
        hours_per_month=4,
        motivation="vì trẻ em",
        decision_reason="ok",
        organisation_name="THCS Hoa",
    )
    volunteer = get("volunteers", "Volunteer").objects.create(
        user=user,
        application=application,
        province="01",
        date_of_birth=dt.date(2001, 2, 3),
        status_reason="nghỉ ốm",
    )
    task = get("volunteers", "Task").objects.create(
        kind="verify_urls",
        title="Kiểm tra",
        question="Còn không?",
        urls=[URL],
        due_at=now,
        case=case,
        created_by=user,
    )
    assignment = get("volunteers", "Assignment").objects.create(
        task=task, volunteer=volunteer, outcome="vẫn còn", url_results={URL: "online"}
    )
    audit = get("audit", "AuditEvent")
    anonymous = audit.objects.create(
        actor_label="anonymous",
        action="create",
        target_type="reports.report",
        reason="mẹ em Phạm Thị D",
        ip="203.0.113.5",
        user_agent="Phone",
    )
    message = audit.objects.create(
        actor_label="system",
        action="update",
        target_type="cases.case",
        target_id=str(case.pk),
        changes={"status_message": ["", "Chúng tôi đã liên hệ"]},
    )
    return {
        "case": case.pk,
        "action": action.pk,
        "report": report.pk,
        "address": address.pk,
        "replay": replay.pk,
        "request": request.pk,
        "item": item.pk,
        "appeal": appeal.pk,
        "application": application.pk,
        "volunteer": volunteer.pk,
        "task": task.pk,
        "assignment": assignment.pk,
        "anonymous": anonymous.pk,
        "message": message.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_upgrading_encrypts_every_clear_value_an_older_version_stored(reference_data):
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        ids = write_old_rows(executor.loader.project_state(BEFORE).apps)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)

    from copnet.audit.models import AuditEvent
    from copnet.cases.models import Case, CaseAction, ReportMessage
    from copnet.feed.models import Appeal
    from copnet.reports.models import IdempotencyRecord, Report, ReportUrl
    from copnet.takedowns.models import RemovalItem, RemovalRequest
    from copnet.volunteers.models import Application, Assignment, Task, Volunteer, email_key

    expected = [
        (Case, "case", "outcome_note", "đã gọi mẹ em"),
        (CaseAction, "action", "note", "0912 111 222"),
        (Report, "report", "external_id", "partner-ref-Hoa"),
        (ReportUrl, "address", "url", URL),
        (ReportUrl, "address", "normalised", URL),
        (IdempotencyRecord, "replay", "response", {"detail": "Hoa"}),
        (RemovalRequest, "request", "notice", "Gỡ @be_na"),
        (RemovalRequest, "request", "answer_note", "đã gỡ @be_na"),
        (RemovalItem, "item", "value", "@be_na"),
        (RemovalItem, "item", "check_detail", "HTTP 404"),
        (Appeal, "appeal", "address", URL),
        (Application, "application", "email", "hoa@old.example"),
        (Application, "application", "date_of_birth", dt.date(2001, 2, 3)),
        (Application, "application", "decision_reason", "ok"),
        (Application, "application", "organisation_name", "THCS Hoa"),
        (Volunteer, "volunteer", "date_of_birth", dt.date(2001, 2, 3)),
        (Volunteer, "volunteer", "status_reason", "nghỉ ốm"),
        (Task, "task", "title", "Kiểm tra"),
        (Task, "task", "question", "Còn không?"),
        (Task, "task", "urls", [URL]),
        (Assignment, "assignment", "outcome", "vẫn còn"),
        (Assignment, "assignment", "url_results", {URL: "online"}),
    ]
    for model, name, field, value in expected:
        row = model.objects.get(pk=ids[name])
        assert getattr(row, field) == value, (model, field)
        stored = raw(model._meta.db_table, field, ids[name])
        assert stored.startswith("gAAAAA"), (model, field, stored)

    # The case's one message went to its report's reporter (cases 0006), still encrypted.
    moved = ReportMessage.objects.get(report_id=ids["report"])
    assert moved.text == "Chúng tôi đã liên hệ"
    assert raw("cases_reportmessage", "text", moved.pk).startswith("gAAAAA")
    assert "status_message" not in {f.name for f in Case._meta.get_fields()}

    address = ReportUrl.objects.get(pk=ids["address"])
    assert address.url_key == lookup_hash(URL.split("://")[1], purpose="report-url")
    application = Application.objects.get(pk=ids["application"])
    assert application.email_key == email_key("hoa@old.example")

    anonymous = AuditEvent.objects.get(pk=ids["anonymous"])
    assert (anonymous.reason, anonymous.note) == ("", "mẹ em Phạm Thị D")
    assert (anonymous.ip, anonymous.user_agent) == (None, "")
    assert "Phạm" not in raw("audit_auditevent", "note", ids["anonymous"])
    message = AuditEvent.objects.get(pk=ids["message"])
    assert message.changes["status_message"][0] == ""
    assert message.changes["status_message"][1].startswith("hmac:")
