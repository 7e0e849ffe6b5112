"""Anonymous before/after surveys: ratings 1-5 for every statement, once per browser."""

from __future__ import annotations

import pytest
from django.urls import reverse

from copnet.campaigns.models import SurveyResponse

from .factories import add_survey, make_campaign

pytestmark = pytest.mark.django_db


def test_a_visitor_answers_the_survey_once(client, org_a):
    campaign = make_campaign(organisation=org_a)
    q1, q2 = add_survey(campaign)
    url = reverse("campaigns:survey", args=[campaign.code, "before"])
    assert client.post(url, {str(q1.pk): "2", str(q2.pk): "4"}).status_code == 302
    response = SurveyResponse.objects.get()
    assert (response.phase, response.answers) == ("before", {str(q1.pk): 2, str(q2.pk): 4})
    client.post(url, {str(q1.pk): "5", str(q2.pk): "5"})
    assert SurveyResponse.objects.count() == 1
    assert (
        client.post(
            reverse("campaigns:survey", args=[campaign.code, "after"]),
            {str(q1.pk): "5", str(q2.pk): "5"},
        ).status_code
        == 302
    )
    assert SurveyResponse.objects.count() == 2


@pytest.mark.parametrize(
    "bad", [{"a": "0"}, {"a": "6"}, {"a": "x"}, {"a": "3", "b": ""}, {"a": "3", "99999": "3"}]
)
def test_bad_ratings_are_refused(client, org_a, bad):
    campaign = make_campaign(organisation=org_a)
    q1, q2 = add_survey(campaign)
    data = {str(q1.pk): bad.get("a"), str(q2.pk): bad.get("b", "3")}
    data.update({k: v for k, v in bad.items() if k.isdigit()})
    response = client.post(reverse("campaigns:survey", args=[campaign.code, "after"]), data)
    assert response.status_code == 400
    assert not SurveyResponse.objects.exists()


def test_an_unknown_phase_is_not_found(client, org_a):
    campaign = make_campaign(organisation=org_a)
    add_survey(campaign)
    assert (
        client.get(reverse("campaigns:survey", args=[campaign.code, "during"])).status_code == 404
    )
