"""The audit trail keeps who did what without personal values in clear (D5).

Public channels leave no IP address or browser; staff and API keys do (account security,
erased after a while); typed reasons are encrypted notes; personal fields appear in `changes`
only as keyed fingerprints; the purge can blank those values and nothing else."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from copnet.accounts.services import do_create_api_key
from copnet.audit.models import AppendOnlyError, AuditEvent
from copnet.audit.services import erase_personal_values, record_change
from copnet.cases.services import do_send_report_message, do_transition
from copnet.network.models import Organisation
from copnet.reports.tests.factories import file_report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "evidence_dir")]
ORIGIN = {"REMOTE_ADDR": "203.0.113.9", "HTTP_USER_AGENT": "Phone/1.0"}


def raw(pk: int, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM audit_auditevent WHERE id = %s", [pk])  # noqa: S608
        value = cursor.fetchone()[0]
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def test_a_public_report_leaves_no_address_or_browser_anywhere(client):
    before = AuditEvent.objects.count()
    response = client.post(
        "/report/",
        {"category": "cyberbullying", "description": "Có người bắt nạt em"},
        **ORIGIN,
    )
    assert response.status_code == 302
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert {e.target_type for e in events} >= {"reports.report"}
    assert {(e.ip, e.user_agent, e.channel) for e in events} == {(None, "", "web")}


def test_a_partner_key_and_a_staff_member_keep_their_origin(client, coordinator):
    org = Organisation.objects.create(code="P", abbreviation="P", name_vi="P", kind="enterprise")
    _key, raw_key = do_create_api_key(organisation=org, name="k", actor=None)
    client.post(
        "/api/v1/reports",
        json.dumps({"category": "cyberbullying", "description": "x"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw_key}",
        **ORIGIN,
    )
    created = AuditEvent.objects.get(target_type="reports.report")
    assert (created.actor_label[:8], created.ip, created.user_agent) == (
        "api-key:",
        "203.0.113.9",
        "Phone/1.0",
    )
    client.force_login(coordinator)
    client.get(f"/staff/cases/{created.changes['case']}/", **ORIGIN)
    viewed = AuditEvent.objects.get(action="view", target_type="cases.case")
    assert (viewed.actor, viewed.ip) == (coordinator, "203.0.113.9")


def test_typed_reasons_and_messages_are_never_in_clear(coordinator):
    report, _secret = file_report()
    case = report.case
    do_send_report_message(
        case=case, report=report, text="Mẹ em Phạm Thị D đã gọi", actor=coordinator
    )
    do_transition(case=case, target="triaged", actor=coordinator, reason="số 0912345678")

    message = AuditEvent.objects.get(target_type="cases.reportmessage", action="create")
    assert message.changes["report"] == report.tracking_code
    transition = AuditEvent.objects.get(action="transition")
    assert (transition.reason, transition.note) == ("status changed", "số 0912345678")
    for event in (message, transition):
        for column in ("changes", "reason", "note", "target_repr"):
            assert "Phạm" not in raw(event.pk, column)
            assert "0912345678" not in raw(event.pk, column)


def test_the_purge_path_blanks_personal_values_and_keeps_the_row(coordinator):
    report, _secret = file_report()
    event = record_change(
        actor=coordinator, action="update", target=report.case, reason="case reassigned", note="X"
    )
    erased = erase_personal_values(AuditEvent.objects.filter(pk=event.pk), origin=True)
    event = AuditEvent.objects.get(pk=event.pk)
    assert erased == 1
    assert (event.note, event.ip, event.reason, event.actor) == (
        "",
        None,
        "case reassigned",
        coordinator,
    )
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk)._erase(reason="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(note="")
