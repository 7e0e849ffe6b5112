"""Campaigns are seen and managed by their organiser and partners only; reports and QR codes too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from copnet.accounts.choices import Role
from copnet.accounts.tests.factories import make_user
from copnet.campaigns.models import Campaign

from .factories import add_link, make_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def editors(org_a, org_b):
    return (
        make_user(email="ea@a.example", organisation=org_a, role=Role.EDITOR),
        make_user(email="eb@b.example", organisation=org_b, role=Role.EDITOR),
    )


def _urls(campaign, link):
    return [
        reverse("campaigns_staff:detail", args=[campaign.pk]),
        reverse("campaigns_staff:edit", args=[campaign.pk]),
        reverse("campaigns_staff:report", args=[campaign.pk]),
        reverse("campaigns_staff:material_add", args=[campaign.pk]),
        reverse("campaigns_staff:activity_add", args=[campaign.pk]),
        reverse("campaigns_staff:question_add", args=[campaign.pk]),
        reverse("campaigns_staff:link_qr", args=[campaign.pk, link.code, "svg"]),
    ]


def test_another_organisations_editor_gets_404_everywhere(client, org_a, editors):
    campaign = make_campaign(organisation=org_a)
    link = add_link(campaign, target="learn")
    client.force_login(editors[1])
    for url in _urls(campaign, link):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            reverse("campaigns_staff:publish", args=[campaign.pk]), {"public": "0"}
        ).status_code
        == 404
    )
    assert "Hè an toàn" not in client.get(reverse("campaigns_staff:list")).content.decode()
    assert Campaign.objects.get().is_public


def test_the_organisers_editor_sees_everything(client, org_a, editors):
    campaign = make_campaign(organisation=org_a)
    link = add_link(campaign, target="learn")
    client.force_login(editors[0])
    for url in _urls(campaign, link):
        assert client.get(url).status_code == 200, url


def test_a_partners_editor_sees_the_campaign(client, org_a, org_b, editors):
    campaign = make_campaign(organisation=org_a)
    campaign.partners.set([org_b])
    client.force_login(editors[1])
    assert client.get(reverse("campaigns_staff:detail", args=[campaign.pk])).status_code == 200


def test_an_editor_creates_a_campaign_for_their_own_organisation_only(
    client, org_a, org_b, editors
):
    client.force_login(editors[0])
    data = {
        "code": "ngay-an-toan", "title_vi": "Ngày an toàn", "organisation": org_b.pk,
        "goal_vi": "Mục tiêu", "starts_on": "2026-09-01", "ends_on": "2026-09-30",
        "target_groups": ["parents"], "channels": ["schools"],
    }  # fmt: skip
    assert client.post(reverse("campaigns_staff:new"), data).status_code == 400
    assert not Campaign.objects.exists()
    data["organisation"] = org_a.pk
    response = client.post(reverse("campaigns_staff:new"), data)
    campaign = Campaign.objects.get()
    assert response.url == reverse("campaigns_staff:detail", args=[campaign.pk])
    assert campaign.target_groups == ["parents"]


def test_dates_in_the_wrong_order_are_refused(client, org_a, editors):
    client.force_login(editors[0])
    data = {
        "code": "sai-ngay", "title_vi": "Sai ngày", "organisation": org_a.pk, "goal_vi": "x",
        "starts_on": "2026-09-30", "ends_on": "2026-09-01",
        "target_groups": ["parents"], "channels": ["schools"],
    }  # fmt: skip
    assert client.post(reverse("campaigns_staff:new"), data).status_code == 400
    assert not Campaign.objects.exists()
