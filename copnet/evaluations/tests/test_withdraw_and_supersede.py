"""A listed result can be withdrawn, and a newer published evaluation replaces the older one."""

from __future__ import annotations

import pytest

from copnet.evaluations.choices import EvaluationStatus as S
from copnet.evaluations.errors import EvaluationError
from copnet.evaluations.services import workflow

from .factories import in_review, published, score_all, submit

pytestmark = pytest.mark.django_db


def test_withdrawing_takes_the_product_out_of_the_catalogue(client, cast, scored):
    evaluation = published(scored, cast["manager"])
    slug = evaluation.product.slug
    assert client.get(f"/ecosystem/{slug}/").status_code == 200
    with pytest.raises(EvaluationError) as refused:
        workflow.do_withdraw(evaluation=evaluation, reason=" ", actor=cast["manager"])
    assert refused.value.code == "reason_required"
    client.force_login(cast["manager"])
    client.post(
        f"/staff/evaluations/{evaluation.pk}/withdraw/",
        {"reason": "Phát hiện tính năng nhắn tin với người lạ sau khi công bố."},
    )
    evaluation.refresh_from_db()
    assert evaluation.status == S.WITHDRAWN
    client.logout()
    assert client.get(f"/ecosystem/{slug}/").status_code == 404


def test_a_newer_published_evaluation_supersedes_the_older_one(client, cast, scored):
    first = published(scored, cast["manager"])
    second = in_review(
        submit(cast["vendor"], first.product, code="uk-aadc"),
        cast["manager"],
        cast["eva"],
        cast["evan"],
    )
    score_all(second, cast["eva"])
    score_all(second, cast["evan"])
    published(second, cast["manager"])
    first.refresh_from_db()
    assert first.status == S.SUPERSEDED
    page = client.get(f"/ecosystem/{first.product.slug}/")
    assert page.context["evaluation"] == second
