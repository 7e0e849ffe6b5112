"""Work a dead process left undone is re-derived from the cases: triage and assignment e-mails."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from copnet.cases.choices import CaseStatus, EventKind
from copnet.cases.models import Case, CaseEvent
from copnet.cases.recovery import notify_overdue_assignments, triage_overdue_cases
from copnet.cases.triage_batch import triage_cases_now
from copnet.network.models import ContactPoint, Organisation
from copnet.reports.tests.factories import file_report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "evidence_dir")]


@pytest.fixture(autouse=True)
def _grace(settings):
    settings.RECOVERY_GRACE_S = 120


def _age(case_ids: list[int], seconds: int, field: str = "created_at") -> None:
    Case.objects.filter(pk__in=case_ids).update(
        **{field: timezone.now() - dt.timedelta(seconds=seconds)}
    )


def _open(count: int, category: str = "cyberbullying") -> list[int]:
    return [
        file_report(
            category=category, urls=[f"https://example.com/p/{category}/{i}"], enqueue_triage=False
        )[0].case_id
        for i in range(count)
    ]


def _desk(code: str) -> str:
    email = f"desk@{code.lower()}.example"
    ContactPoint.objects.create(
        organisation=Organisation.objects.get(code=code), label="Desk", email=email, is_primary=True
    )
    return email


def test_cases_untriaged_past_the_grace_period_are_triaged_once():
    late, fresh = _open(3), _open(1, "privacy")
    _age(late, 121)
    closed = _open(1, "grooming")
    _age(closed, 500)
    Case.objects.filter(pk__in=closed).update(status=CaseStatus.REJECTED)

    assert triage_overdue_cases() == 3

    for case in Case.objects.filter(pk__in=late):
        assert case.status == CaseStatus.ASSIGNED
        assert case.lead_org_id is not None
        assert case.triaged_at is not None
    assert Case.objects.get(pk=fresh[0]).status == CaseStatus.NEW  # its own task is on the way
    assert Case.objects.get(pk=closed[0]).status == CaseStatus.REJECTED
    triaged = CaseEvent.objects.filter(kind=EventKind.TRIAGED, case_id__in=late)
    assert triaged.count() == 3

    # Again, and after the case's own (late) task: nothing changes, no second triage event.
    assert triage_overdue_cases() == 0
    triage_cases_now(late)
    assert triaged.count() == 3
    assert CaseEvent.objects.filter(kind=EventKind.ASSIGNED, case_id__in=late).count() == 3


def test_an_assignment_email_never_sent_is_sent_once_by_the_sweep():
    email = _desk("MOET-HSSV")
    [case_id] = _open(1)
    triage_cases_now([case_id])  # its notify task was lost with the worker
    case = Case.objects.get(pk=case_id)
    assert case.lead_org.code == "MOET-HSSV"
    assert case.notified_lead is None

    assert notify_overdue_assignments() == 0  # within the grace period: the task may still come
    _age([case_id], 121, "assigned_at")
    assert notify_overdue_assignments() == 1
    assert notify_overdue_assignments() == 0

    assert [m.to for m in mail.outbox] == [[email]]
    case.refresh_from_db()
    assert case.notified_lead == case.lead_org
    assert CaseEvent.objects.filter(case=case, kind=EventKind.NOTIFIED).count() == 1


def test_a_failed_email_is_not_marked_and_is_sent_by_a_later_sweep(settings):
    _desk("MOET-HSSV")
    [case_id] = _open(1)
    triage_cases_now([case_id])
    _age([case_id], 121, "assigned_at")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2

    with pytest.raises(RuntimeError):
        notify_overdue_assignments()
    case = Case.objects.get(pk=case_id)
    assert case.notified_lead is None
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.NOTIFIED).exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notify_overdue_assignments() == 1
    assert len(mail.outbox) == 1


def test_a_new_lead_after_reassignment_is_notified_too(coordinator):
    from copnet.cases.services import do_reassign

    _desk("MOET-HSSV")
    a05 = _desk("A05")
    [case_id] = _open(1)
    triage_cases_now([case_id])
    _age([case_id], 121, "assigned_at")
    assert notify_overdue_assignments() == 1
    do_reassign(
        case=Case.objects.get(pk=case_id),
        lead=Organisation.objects.get(code="A05"),
        supporting=[],
        reason="Thuộc thẩm quyền công an",
        actor=coordinator,
    )
    _age([case_id], 121, "assigned_at")
    assert notify_overdue_assignments() == 1
    assert mail.outbox[-1].to == [a05]


def test_a_lead_without_an_address_is_marked_so_the_sweep_does_not_retry_for_ever():
    [case_id] = _open(1)
    triage_cases_now([case_id])
    _age([case_id], 121, "assigned_at")
    assert notify_overdue_assignments() == 0
    assert Case.objects.get(pk=case_id).notified_lead_id is not None
    assert mail.outbox == []
