"""Every (from, to) that `services.workflow.EVALUATION` does not list is refused, and nothing
changes; the staff page offers exactly what `allowed_next()` returns."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from copnet.audit.models import AuditEvent
from copnet.core.workflow import INVALID_TRANSITION, TransitionError, allowed_next, check
from copnet.evaluations.choices import EvaluationStatus as S
from copnet.evaluations.models import Evaluation
from copnet.evaluations.services import workflow
from copnet.evaluations.services.workflow import EVALUATION

from .factories import make_product, submit

MOVES = {(t.source, t.target) for t in EVALUATION.transitions if not t.automatic}
SERVICES = {
    S.ACCEPTED: lambda e, a: workflow.do_accept(evaluation=e, actor=a),
    S.DECLINED: lambda e, a: workflow.do_decline(evaluation=e, actor=a, reason="Không phù hợp"),
    S.DECIDED: lambda e, a: workflow.do_decide(evaluation=e, actor=a),
    S.PUBLISHED: lambda e, a: workflow.do_publish(
        evaluation=e,
        expires_on=timezone.localdate() + dt.timedelta(days=90),
        summary_vi="Tóm tắt",
        summary_en="",
        actor=a,
    ),
    S.RETURNED: lambda e, a: workflow.do_return(evaluation=e, findings="Cần sửa", actor=a),
    S.WITHDRAWN: lambda e, a: workflow.do_withdraw(evaluation=e, reason="Lỗi", actor=a),
}


def _snapshot(evaluation: Evaluation) -> tuple[object, ...]:
    row = Evaluation.objects.values(
        "status", "status_reason", "findings", "verdict", "published_at", "closed_at"
    ).get(pk=evaluation.pk)
    return (row, evaluation.assignments.count(), AuditEvent.objects.count())


def _attempt(evaluation: Evaluation, source: str, target: str, cast: dict) -> None:
    if target == source:  # a step that keeps the status: assigning an evaluator
        workflow.do_assign(evaluation=evaluation, evaluator=cast["eva"], actor=cast["manager"])
    elif target in SERVICES:
        SERVICES[target](evaluation, cast["manager"])
    else:  # submitted, in review, reconciliation, expired, superseded: no person's step
        check(EVALUATION, source, target)


@pytest.mark.django_db
@pytest.mark.parametrize("source", S.values)
def test_every_pair_not_in_the_data_is_refused_and_changes_nothing(cast, source):
    evaluation = submit(cast["vendor"], make_product(cast["vendor"]))
    Evaluation.objects.filter(pk=evaluation.pk).update(status=source)
    for target in S.values:
        if (source, target) in MOVES:
            continue
        before = _snapshot(evaluation)
        with pytest.raises(TransitionError) as error:
            _attempt(evaluation, source, target, cast)
        # Publishing during reconciliation first says what is still to reconcile.
        reconciling = (source, target) == (S.RECONCILIATION, S.PUBLISHED)
        expected = "unreconciled" if reconciling else INVALID_TRANSITION
        assert error.value.code == expected, (source, target)
        assert _snapshot(evaluation) == before, (source, target)


def test_steps_within_a_status_are_listed_by_name():
    steps = {(t.source, t.name) for t in EVALUATION.transitions if t.source == t.target}
    assert steps == {
        (S.ACCEPTED, "assign"),
        (S.IN_REVIEW, "assign"),
        (S.IN_REVIEW, "score"),
        (S.RECONCILIATION, "reconcile"),
    }


@pytest.mark.django_db
def test_the_staff_page_offers_what_allowed_next_returns(client, cast):
    evaluation = submit(cast["vendor"], make_product(cast["vendor"]))
    client.force_login(cast["manager"])
    page = client.get(f"/staff/evaluations/{evaluation.pk}/").content.decode()
    names = [t.name for t in allowed_next(EVALUATION, S.SUBMITTED)]
    assert names == ["accept", "decline"]
    assert f"/staff/evaluations/{evaluation.pk}/accept/" in page
    assert f"/staff/evaluations/{evaluation.pk}/decline/" in page
    assert f"/staff/evaluations/{evaluation.pk}/assign/" not in page
    workflow.do_accept(evaluation=evaluation, actor=cast["manager"])
    page = client.get(f"/staff/evaluations/{evaluation.pk}/").content.decode()
    assert f"/staff/evaluations/{evaluation.pk}/accept/" not in page
    assert f"/staff/evaluations/{evaluation.pk}/assign/" in page
