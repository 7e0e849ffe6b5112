"""Submit → two evaluators → reconcile → publish → in the catalogue → expires."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from copnet.audit.models import AuditEvent
from copnet.evaluations.choices import EvaluationStatus as S
from copnet.evaluations.choices import ScoreValue, Verdict
from copnet.evaluations.models import Evaluation
from copnet.evaluations.services import workflow
from copnet.evaluations.tasks import expire_evaluations_task

from .factories import in_review, make_product, published, score_all, submit

pytestmark = pytest.mark.django_db


def test_a_product_goes_from_submission_to_the_catalogue_and_expires(client, cast):
    product = make_product(cast["vendor"])
    evaluation = submit(cast["vendor"], product)
    assert evaluation.status == S.SUBMITTED
    # the 16 vn-law criteria minus the game-only VN-5 and the social-network-only VN-14
    assert evaluation.items.count() == 14

    # Staff: accept, assign two independent evaluators → in review.
    client.force_login(cast["manager"])
    assert client.post(f"/staff/evaluations/{evaluation.pk}/accept/").status_code == 302
    for evaluator in (cast["eva"], cast["evan"]):
        client.post(f"/staff/evaluations/{evaluation.pk}/assign/", {"evaluator": evaluator.pk})
    evaluation.refresh_from_db()
    assert evaluation.status == S.IN_REVIEW

    # Eva scores everything met; Evan thinks VN-9 is only partly met.
    score_all(evaluation, cast["eva"])
    evaluation.refresh_from_db()
    assert evaluation.status == S.IN_REVIEW  # waits for the second evaluator
    score_all(evaluation, cast["evan"], VN_9=ScoreValue.PARTLY)
    evaluation.refresh_from_db()
    assert evaluation.status == S.RECONCILIATION
    assert [i.code for i in workflow.unreconciled(evaluation)] == ["VN-9"]

    # The manager reconciles through the staff page, then decides.
    item = evaluation.items.get(code="VN-9")
    client.post(
        f"/staff/evaluations/{evaluation.pk}/reconcile/",
        {"item": item.pk, "value": "partly", "note": "Đầu mối chỉ làm việc giờ hành chính"},
    )
    client.post(f"/staff/evaluations/{evaluation.pk}/decide/")
    evaluation.refresh_from_db()
    # vn-law v2 for a learning app, weights without VN-5 and VN-14:
    # 3+2+2+2+1 (data) + 3+2 (content) + 3+3+1 (reporting) + 3+2 (privacy) + 3+2 (cyber) = 32;
    # VN-9 (weight 1) partly: 31.5 / 32 = 98.43… → 98.4
    assert evaluation.status == S.DECIDED
    assert evaluation.score == Decimal("98.4")
    assert evaluation.mandatory_met is True
    assert evaluation.verdict == Verdict.RECOMMENDED

    expires = timezone.localdate() + dt.timedelta(days=30)
    response = client.post(
        f"/staff/evaluations/{evaluation.pk}/publish/",
        {
            "expires_on": expires.isoformat(),
            "summary_vi": "Ứng dụng học tập an toàn, quyền riêng tư mặc định.",
            "summary_en": "A safe learning app, private by default.",
        },
    )
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == S.PUBLISHED

    # Public catalogue, anonymous visitor.
    client.logout()
    listing = client.get("/ecosystem/").content.decode()
    assert "Bé Học Vui" in listing
    page = client.get(f"/ecosystem/{product.slug}/")
    assert page.status_code == 200
    assert "98,4 %" in page.content.decode()  # Vietnamese decimal comma
    assert "Ứng dụng học tập an toàn" in page.content.decode()

    # The day after the expiry date, the scheduled task takes it out of the catalogue.
    assert workflow.expire_evaluations(today=expires) == 0
    assert workflow.expire_evaluations(today=expires + dt.timedelta(days=1)) == 1
    evaluation.refresh_from_db()
    assert evaluation.status == S.EXPIRED
    assert "Bé Học Vui" not in client.get("/ecosystem/").content.decode()
    assert client.get(f"/ecosystem/{product.slug}/").status_code == 404

    # Every step is in the audit trail.
    statuses = [
        e.changes["status"]
        for e in AuditEvent.objects.filter(
            target_type="evaluations.evaluation", target_id=str(evaluation.pk), action="transition"
        ).order_by("id")
    ]
    assert statuses == [
        ["submitted", "accepted"],
        ["accepted", "in_review"],
        ["in_review", "reconciliation"],
        ["reconciliation", "decided"],
        ["decided", "published"],
        ["published", "expired"],
    ]
    assert AuditEvent.objects.filter(target_type="evaluations.assignment").count() == 2
    assert AuditEvent.objects.filter(
        target_type="evaluations.evaluation", changes__reconciled="VN-9"
    ).exists()


def test_the_catalogue_hides_a_result_past_its_date_even_before_the_task_runs(client, cast):
    evaluation = in_review(
        submit(cast["vendor"], make_product(cast["vendor"])),
        cast["manager"],
        cast["eva"],
        cast["evan"],
    )
    score_all(evaluation, cast["eva"])
    score_all(evaluation, cast["evan"])
    published(evaluation, cast["manager"], days=1)
    Evaluation.objects.filter(pk=evaluation.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    assert "Bé Học Vui" not in client.get("/ecosystem/").content.decode()


def test_the_expiry_task_runs_on_the_task_backend(cast, immediate_tasks):
    evaluation = in_review(
        submit(cast["vendor"], make_product(cast["vendor"])),
        cast["manager"],
        cast["eva"],
        cast["evan"],
    )
    score_all(evaluation, cast["eva"])
    score_all(evaluation, cast["evan"])
    published(evaluation, cast["manager"])
    Evaluation.objects.filter(pk=evaluation.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=2)
    )
    result = expire_evaluations_task.enqueue()
    assert result.return_value == 1
    evaluation.refresh_from_db()
    assert evaluation.status == S.EXPIRED
