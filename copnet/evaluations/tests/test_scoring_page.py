"""An evaluator scores through the staff page, with an evidence file, and finishes."""

from __future__ import annotations

import io

import pytest

from copnet.evaluations.models import Score, ScoreEvidence

from .factories import png_bytes

pytestmark = pytest.mark.django_db


def test_an_evaluator_scores_every_criterion_and_finishes(client, cast, reviewing):
    items = list(reviewing.items.all())
    document = reviewing.documents.get()
    client.force_login(cast["eva"])
    picture = io.BytesIO(png_bytes("green"))
    picture.name = "bao-cao.png"
    data = {f"value_{i.pk}": "met" for i in items}
    data |= {f"document_{i.pk}": str(document.pk) for i in items if i.code != "VN-1"}
    data[f"file_{items[0].pk}"] = picture  # VN-1 is proven by a file instead
    data[f"value_{items[1].pk}"] = "partly"
    data[f"note_{items[1].pk}"] = "Chưa có xác minh tuổi cho iOS"
    response = client.post(f"/staff/evaluations/{reviewing.pk}/score/", data)
    assert response.status_code == 302
    assert Score.objects.filter(assignment__evaluator=cast["eva"]).count() == len(items)
    assert ScoreEvidence.objects.get().score.item.code == "VN-1"
    page = client.get(f"/staff/evaluations/{reviewing.pk}/").content.decode()
    assert "Chưa có xác minh tuổi cho iOS" in page  # the evaluator's own note, pre-filled
    assert 'value="partly" selected' in page

    response = client.post(f"/staff/evaluations/{reviewing.pk}/score/", {"finish": "1"})
    assert response.status_code == 302
    assert reviewing.assignments.get(evaluator=cast["eva"]).submitted_at is not None
    reviewing.refresh_from_db()
    assert reviewing.status == "in_review"  # Evan has not finished


def test_finishing_too_early_through_the_page_says_what_is_missing(client, cast, reviewing):
    client.force_login(cast["eva"])
    response = client.post(f"/staff/evaluations/{reviewing.pk}/score/", {"finish": "1"})
    assert response.status_code == 400
    assert "VN-1" in response.content.decode()
    assert reviewing.assignments.get(evaluator=cast["eva"]).submitted_at is None
