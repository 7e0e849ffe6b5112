"""The audit log reads as sentences in the reader's language: no Python dicts, no model labels,
no English reasons on a Vietnamese page; personal values stay hidden."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from copnet.audit.reasons import REASONS
from copnet.audit.services import record, record_change
from copnet.core.testing import vi
from copnet.takedowns.tests.factories import make_case

ROOT = Path(__file__).resolve().parents[2]


def _literal_reasons(value: ast.AST) -> list[str]:
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return [value.value]
    if isinstance(value, ast.IfExp):
        return _literal_reasons(value.body) + _literal_reasons(value.orelse)
    return []


def test_every_reason_written_by_the_code_is_listed_for_translation():
    written = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "reason":
                        written.update(_literal_reasons(keyword.value))
    assert len(written) > 40
    assert sorted(written - REASONS - {""}) == []


@pytest.mark.django_db
def test_a_status_change_reads_as_a_vietnamese_sentence(client, coordinator, reference_data):
    case = make_case(lead=coordinator.organisation)
    record_change(
        actor=coordinator,
        action="transition",
        target=case,
        changes={"status": ["new", "in_progress"], "priority": [3, 1]},
        reason="status changed",
    )
    record(actor=None, action="create", target=case, reason="automatic triage and routing")
    record(actor=AnonymousUser(), action="view", target=case)
    client.force_login(coordinator)
    html = client.get("/staff/audit/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert vi("status changed") in html
    assert vi("automatic triage and routing") in html
    assert f"{vi('New')} → {vi('In progress')}" in html  # choice labels, not codes
    assert vi("an anonymous reporter") in html
    assert vi("the system") in html
    assert case.reference in html
    for raw in ("{'status'", "cases.case", "in_progress", "status changed", "<strong>anonymous"):
        assert raw not in html


@pytest.mark.django_db
def test_personal_values_are_not_shown_in_the_sentence(client, coordinator, reference_data):
    report = make_case(lead=coordinator.organisation).reports.get()
    record_change(
        actor=coordinator,
        action="update",
        target=report,
        changes={"description": ["a@x.vn", "b@x.vn"]},
    )
    client.force_login(coordinator)
    html = client.get("/staff/audit/?action=update", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "a@x.vn" not in html
    assert "b@x.vn" not in html
    assert vi("(personal value, not shown)") in html
