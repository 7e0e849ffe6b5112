"""Vendors check a product against the same criteria before they submit it."""

from __future__ import annotations

import pytest

from copnet.evaluations.models import CriteriaSet, SelfAssessment

from .factories import make_product, make_vendor_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(cast):
    product = make_product(cast["vendor"])
    criteria_set = CriteriaSet.objects.get(code="vn-law", is_current=True)
    return (
        product,
        criteria_set,
        f"/ecosystem/vendor/products/{product.pk}/self-assessment/{criteria_set.pk}/",
    )


def test_the_self_assessment_estimates_the_verdict_with_the_same_arithmetic(client, cast, setup):
    product, criteria_set, url = setup
    client.force_login(cast["vendor"])
    page = client.get(url)
    assert page.status_code == 200
    assert "VN-1" in page.content.decode()
    assert "VN-5" not in page.content.decode()  # games only
    answers = {f"score_VN-{n}": "met" for n in (1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16)}
    answers["score_VN-3"] = "partly"  # weight 2, half: 31 / 32 = 96.9 %
    answers["note_VN-3"] = "Thông báo chưa có bản cho trẻ"
    response = client.post(url, answers)
    assert response.status_code == 302
    assessment = SelfAssessment.objects.get(product=product, criteria_set=criteria_set)
    assert assessment.answers["VN-3"] == "partly"
    page = client.get(url).content.decode()
    assert "96,9 %" in page
    assert 'id="self-verdict"' in page


def test_unanswered_mandatory_criteria_are_listed_as_gaps(client, cast, setup):
    _, _, url = setup
    client.force_login(cast["vendor"])
    client.post(url, {"score_VN-2": "met"})
    page = client.get(url)
    assert page.context["check"].mandatory_gaps == [
        "VN-1",
        "VN-12",
        "VN-4",
        "VN-6",
        "VN-7",
        "VN-8",
        "VN-10",
        "VN-15",
    ]


def test_a_bad_answer_is_refused_and_nothing_is_saved(client, cast, setup):
    _, _, url = setup
    client.force_login(cast["vendor"])
    response = client.post(url, {"score_VN-1": "met", "score_VN-2": "brilliant"})
    assert response.status_code == 400
    assert not SelfAssessment.objects.exists()


def test_another_vendor_cannot_open_the_self_assessment(client, cast, setup):
    _, _, url = setup
    client.force_login(make_vendor_user(name="Khác", email="x@other.example"))
    assert client.get(url).status_code == 404
