"""A tracked link (or its QR code) counts visits, and a course completed afterwards in the same
browser session is attributed to the campaign. Only counts are stored."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from copnet.campaigns.models import LinkDay, TrackedLink
from copnet.education.models import Completion
from copnet.education.tests.factories import answers_for, make_course

from .factories import add_link, make_campaign

pytestmark = pytest.mark.django_db


def _complete(client: Client, course) -> None:
    for lesson in course.lessons.all():
        client.post(reverse("learn:lesson", args=[course.code, lesson.pk]))
    quiz = course.quizzes.get()
    token = client.get(reverse("learn:quiz", args=[course.code, quiz.pk])).context["attempt"].token
    client.post(
        reverse("learn:quiz", args=[course.code, quiz.pk]), {"token": token, **answers_for(quiz)}
    )


def test_a_tracked_link_counts_visits_and_attributes_a_completion(org_a):
    course = make_course()
    campaign = make_campaign(organisation=org_a)
    link = add_link(campaign, course=course)
    visitor, other, direct = Client(), Client(), Client()

    response = visitor.get(f"/c/{link.code}")
    assert response.status_code == 302
    assert response.url == reverse("learn:course", args=[course.code])
    other.get(f"/c/{link.code}")
    link.refresh_from_db()
    assert link.visits == 2
    assert LinkDay.objects.get(link=link, day=timezone.localdate()).visits == 2

    _complete(visitor, course)
    _complete(direct, course)  # came without the link: not attributed
    assert Completion.objects.filter(campaign=campaign).count() == 1
    assert Completion.objects.filter(campaign__isnull=True).count() == 1
    attributed = Completion.objects.get(campaign=campaign)
    assert (attributed.learner, attributed.user) == (None, None)


def test_a_visit_stores_nothing_about_the_visitor(org_a):
    campaign = make_campaign(organisation=org_a)
    link = add_link(campaign, target="landing")
    client = Client(HTTP_USER_AGENT="Secret-Agent/1.0", REMOTE_ADDR="203.0.113.9")
    response = client.get(f"/c/{link.code}")
    assert response.url == reverse("campaigns:landing", args=[campaign.code])
    row = TrackedLink.objects.values().get(pk=link.pk)
    assert "203.0.113.9" not in str(row)
    assert "Secret-Agent" not in str(row)
    assert "203.0.113.9" not in str(list(LinkDay.objects.values()))


def test_an_unknown_code_is_not_found_and_counts_nothing(client, org_a):
    link = add_link(make_campaign(organisation=org_a), target="learn")
    assert client.get("/c/nope123").status_code == 404
    assert client.get("/c/../admin").status_code == 404
    link.refresh_from_db()
    assert link.visits == 0


def test_a_link_to_the_page_of_an_offline_campaign_goes_to_learn(client, org_a):
    campaign = make_campaign(organisation=org_a, public=False)
    link = add_link(campaign, target="landing")
    assert client.get(f"/c/{link.code}").url == reverse("learn:home")
    assert client.get(reverse("campaigns:landing", args=[campaign.code])).status_code == 404
