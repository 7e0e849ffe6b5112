"""Every page renders in each state of the workflow, for the people who use it."""

from __future__ import annotations

import pytest

from copnet.evaluations.choices import ScoreValue
from copnet.evaluations.models import CriteriaSet

from .factories import published, score_all

pytestmark = pytest.mark.django_db


def test_staff_pages_render_through_the_workflow(client, cast, reviewing):
    url = f"/staff/evaluations/{reviewing.pk}/"
    client.force_login(cast["manager"])
    assert 'id="manage"' in client.get(url).content.decode()
    client.force_login(cast["eva"])
    assert 'id="score-form"' in client.get(url).content.decode()
    score_all(reviewing, cast["eva"])
    assert 'id="score-form"' not in client.get(url).content.decode()  # finished
    score_all(reviewing, cast["evan"], VN_2=ScoreValue.NOT_MET)
    client.force_login(cast["manager"])
    page = client.get(url).content.decode()
    assert 'class="differs" id="item-VN-2"' in page
    assert 'name="note"' in page
    assert client.get("/staff/evaluations/?status=reconciliation").status_code == 200
    assert client.get(f"/staff/evaluations/{reviewing.pk}/report.pdf").status_code == 200


def test_vendor_pages_render(client, cast, scored):
    product = scored.product
    client.force_login(cast["vendor"])
    for url in (
        "/ecosystem/vendor/",
        "/ecosystem/vendor/products/new/",
        f"/ecosystem/vendor/products/{product.pk}/",
        f"/ecosystem/vendor/products/{product.pk}/edit/",
        f"/ecosystem/vendor/evaluations/{scored.pk}/",
        f"/ecosystem/vendor/products/{product.pk}/self-assessment/"
        f"{CriteriaSet.objects.get(code='uk-aadc').pk}/",
    ):
        assert client.get(url).status_code == 200, url
    published(scored, cast["manager"])
    page = client.get(f"/ecosystem/vendor/evaluations/{scored.pk}/").content.decode()
    assert f"/ecosystem/{product.slug}/" in page


def test_public_pages_render_for_anonymous_visitors(client, reference_data):
    assert client.get("/ecosystem/").status_code == 200
    assert client.get("/ecosystem/vendors/register/").status_code == 200
    assert client.get("/ecosystem/vendor/").status_code == 302  # to the login page
