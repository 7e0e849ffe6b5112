"""Assignment e-mails: once per case and lead, a batch in a few queries."""

from __future__ import annotations

import pytest
from django.core import mail

from copnet.cases.choices import EventKind
from copnet.cases.models import Case, CaseEvent
from copnet.cases.notifications import notify_assignments_now
from copnet.cases.triage_batch import triage_cases_now
from copnet.network.models import ContactPoint, Organisation
from copnet.reports.tests.factories import file_report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "evidence_dir")]


def _assigned(count: int, category: str) -> list[Case]:
    ids = [
        file_report(
            category=category, urls=[f"https://example.com/{category}/{i}"], enqueue_triage=False
        )[0].case_id
        for i in range(count)
    ]
    triage_cases_now(ids)
    return list(Case.objects.select_related("lead_org", "category").filter(pk__in=ids))


def test_a_batch_without_addresses_is_marked_in_a_few_queries(django_assert_max_num_queries):
    cases = _assigned(20, "cyberbullying") + _assigned(5, "scam_gambling")
    with django_assert_max_num_queries(6):
        assert notify_assignments_now(cases) == 0
    assert not Case.objects.filter(pk__in=[c.pk for c in cases], notified_lead=None).exists()
    assert mail.outbox == []


def test_each_lead_with_an_address_gets_one_email_per_case_once():
    moet = Organisation.objects.get(code="MOET-HSSV")
    ContactPoint.objects.create(
        organisation=moet, label="Desk", email="desk@moet.example", is_primary=True
    )
    cases = _assigned(3, "cyberbullying")
    assert {c.lead_org for c in cases} == {moet}
    assert notify_assignments_now(cases) == 3
    fresh = list(
        Case.objects.select_related("lead_org", "category").filter(pk__in=[c.pk for c in cases])
    )
    assert notify_assignments_now(fresh) == 0
    assert [m.to for m in mail.outbox] == [["desk@moet.example"]] * 3
    assert CaseEvent.objects.filter(kind=EventKind.NOTIFIED).count() == 3
