"""Independence: nobody from the vendor's organisation evaluates its product; two at least."""

from __future__ import annotations

import pytest

from copnet.accounts.choices import Role
from copnet.accounts.tests.factories import make_user
from copnet.audit.models import AuditEvent
from copnet.core.testing import vi
from copnet.evaluations.choices import EvaluationStatus as S
from copnet.evaluations.errors import EvaluationError
from copnet.evaluations.models import Assignment
from copnet.evaluations.services import workflow

from .factories import make_evaluator, make_product, submit

pytestmark = pytest.mark.django_db
CONFLICT = (
    "Conflict of interest: an evaluator from the vendor's own organisation cannot "
    "evaluate its product."
)


@pytest.fixture
def accepted(cast):
    evaluation = submit(cast["vendor"], make_product(cast["vendor"]))
    return workflow.do_accept(evaluation=evaluation, actor=cast["manager"])


def test_an_evaluator_of_the_vendors_own_organisation_cannot_be_assigned(cast, accepted):
    insider = make_evaluator("insider@kidapps.example", cast["vendor"].organisation)
    audit_rows = AuditEvent.objects.count()
    with pytest.raises(EvaluationError) as error:
        workflow.do_assign(evaluation=accepted, evaluator=insider, actor=cast["manager"])
    assert error.value.code == "conflict_of_interest"
    assert not Assignment.objects.exists()
    assert AuditEvent.objects.count() == audit_rows


def test_the_staff_page_shows_the_conflict_and_assigns_nobody(client, cast, accepted):
    insider = make_evaluator("insider@kidapps.example", cast["vendor"].organisation)
    client.force_login(cast["manager"])
    response = client.post(
        f"/staff/evaluations/{accepted.pk}/assign/", {"evaluator": insider.pk}, follow=True
    )
    assert vi(CONFLICT) in response.content.decode()
    assert not Assignment.objects.exists()


def test_someone_who_is_not_an_evaluator_cannot_be_assigned(cast, accepted, alice):
    with pytest.raises(EvaluationError) as error:
        workflow.do_assign(evaluation=accepted, evaluator=alice, actor=cast["manager"])
    assert error.value.code == "not_an_evaluator"


def test_the_same_evaluator_cannot_be_assigned_twice(cast, accepted):
    workflow.do_assign(evaluation=accepted, evaluator=cast["eva"], actor=cast["manager"])
    with pytest.raises(EvaluationError) as error:
        workflow.do_assign(evaluation=accepted, evaluator=cast["eva"], actor=cast["manager"])
    assert error.value.code == "already_assigned"
    assert accepted.assignments.count() == 1


def test_review_starts_only_with_two_evaluators(cast, accepted):
    workflow.do_assign(evaluation=accepted, evaluator=cast["eva"], actor=cast["manager"])
    accepted.refresh_from_db()
    assert accepted.status == S.ACCEPTED
    workflow.do_assign(evaluation=accepted, evaluator=cast["evan"], actor=cast["manager"])
    accepted.refresh_from_db()
    assert accepted.status == S.IN_REVIEW


def test_an_evaluator_cannot_assign_evaluators(cast, accepted):
    with pytest.raises(EvaluationError) as error:
        workflow.do_assign(evaluation=accepted, evaluator=cast["evan"], actor=cast["eva"])
    assert error.value.code == "forbidden"
    assert not Assignment.objects.exists()


def test_an_inactive_evaluator_cannot_be_assigned(cast, accepted, org_b):
    gone = make_user(
        email="gone@b.example", organisation=org_b, role=Role.EVALUATOR, is_active=False
    )
    with pytest.raises(EvaluationError) as refused:
        workflow.do_assign(evaluation=accepted, evaluator=gone, actor=cast["manager"])
    assert refused.value.code == "not_an_evaluator"
