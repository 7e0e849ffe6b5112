"""Triage of many cases in one run: same result as one by one, few queries, never blocks."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from copnet.audit.models import AuditEvent
from copnet.cases.choices import CaseStatus, EventKind
from copnet.cases.models import Case
from copnet.cases.triage_batch import triage_cases_now
from copnet.reports.tests.factories import file_report

pytestmark = pytest.mark.usefixtures("reference_data", "evidence_dir")

CATEGORIES = ["cyberbullying", "csam", "grooming", "scam_gambling", "self_harm", "privacy"]


def _open_cases(count: int) -> list[int]:
    ids = []
    for i in range(count):
        report, _ = file_report(
            category=CATEGORIES[i % len(CATEGORIES)],
            urls=[f"https://example.com/post/{i}"],
            child_age_band="6-8" if i % 3 == 0 else "",
            enqueue_triage=False,
        )
        ids.append(report.case_id)
    return ids


@pytest.mark.django_db
def test_a_batch_is_triaged_routed_and_audited_like_single_cases():
    ids = _open_cases(12)
    run = triage_cases_now(ids + ids[:3])  # repeated ids are harmless

    assert sorted(case.pk for case in run.assigned) == sorted(ids)
    assert run.busy == []
    for case in Case.objects.filter(pk__in=ids).select_related("category", "lead_org"):
        assert case.status == CaseStatus.ASSIGNED
        assert case.lead_org == case.category.default_lead
        assert list(case.supporting_orgs.all()) == list(case.category.default_supporting.all())
        assert case.triaged_at is not None
        kinds = list(case.events.order_by("pk").values_list("kind", flat=True))
        assert kinds == [EventKind.CREATED, EventKind.TRIAGED, EventKind.ASSIGNED]
        assert AuditEvent.objects.filter(target_type="cases.case", target_id=str(case.pk)).exists()
    # cyberbullying is high (P2), one step up for a 6–8-year-old; scam_gambling medium (P3)
    assert Case.objects.get(pk=ids[0]).priority == 1
    assert Case.objects.get(pk=ids[3]).priority == 2
    assert Case.objects.get(pk=ids[9]).priority == 2
    assert Case.objects.get(pk=ids[1]).priority == 1  # csam

    # Running again changes nothing and adds no events.
    assert triage_cases_now(ids).assigned == []
    assert sum(Case.objects.get(pk=pk).events.count() for pk in ids) == 3 * len(ids)


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_batch(django_assert_max_num_queries):
    ids = _open_cases(30)
    triage_cases_now(ids[:1])  # the detection indexes and the model are loaded once per process
    with django_assert_max_num_queries(30):
        run = triage_cases_now(ids[1:])
    assert len(run.assigned) == 29


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_case_held_by_another_transaction_is_skipped_not_waited_for():
    ids = _open_cases(3)
    held = threading.Event()
    release = threading.Event()

    def hold_the_middle_case() -> None:
        try:
            with transaction.atomic():
                Case.objects.select_for_update().get(pk=ids[1])
                held.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_middle_case)
    holder.start()
    try:
        assert held.wait(timeout=10)
        run = triage_cases_now(ids)
    finally:
        release.set()
        holder.join()

    assert run.busy == [ids[1]]
    assert sorted(c.pk for c in run.assigned) == [ids[0], ids[2]]
    assert Case.objects.get(pk=ids[1]).status == CaseStatus.NEW
    assert [c.pk for c in triage_cases_now(run.busy).assigned] == [ids[1]]
