"""Every category routes to bodies that exist on the day asked; past days keep past routing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from copnet.network.models import Organisation
from copnet.routing.models import RoutingRule
from copnet.routing.services import Router, route
from copnet.taxonomy.models import HarmCategory

DAYS = [
    dt.date(2021, 12, 1),
    dt.date(2024, 6, 1),
    dt.date(2025, 2, 28),
    dt.date(2025, 3, 1),
    dt.date(2026, 7, 1),
]


@pytest.mark.django_db
@pytest.mark.parametrize("day", [*DAYS, None], ids=[*map(str, DAYS), "today"])
def test_every_category_routes_to_bodies_that_exist_on_the_day(reference_data, day):
    day = day or timezone.localdate()
    router = Router(day)
    categories = list(HarmCategory.objects.all())
    assert len(categories) == 15
    for category in categories:
        found = router.route(category=category)
        assert found is not None, category.code
        assert found.lead.is_active_on(day), (category.code, found.lead.code, day)
        for org in found.supporting:
            assert org.is_active_on(day), (category.code, org.code, day)


@pytest.mark.django_db
def test_past_days_keep_past_routing_and_today_follows_todays_bodies(reference_data):
    bullying = HarmCategory.objects.get(code="cyberbullying")
    in_2024 = route(category=bullying, on=dt.date(2024, 6, 1))
    today = route(category=bullying)
    assert in_2024.lead.code == "MOET-GDCT"
    assert [o.code for o in in_2024.supporting] == ["CTE"]
    assert today.lead.code == "MOET-HSSV"
    assert [o.code for o in today.supporting] == ["CBMTE"]

    privacy = HarmCategory.objects.get(code="privacy")
    assert route(category=privacy, on=dt.date(2024, 6, 1)).lead.code == "VNCERT"
    assert route(category=privacy).lead.code == "A05"
    pornography = HarmCategory.objects.get(code="pornography")
    assert route(category=pornography).lead.code == "MOCST-PTTH"


@pytest.mark.django_db
def test_a_platform_rule_still_beats_the_category_on_its_own_dates(reference_data):
    bullying = HarmCategory.objects.get(code="cyberbullying")
    a05 = Organisation.objects.get(code="A05")
    RoutingRule.objects.create(
        category=bullying, platform="tiktok", lead=a05, valid_from=dt.date(2026, 1, 1)
    )
    assert route(category=bullying, platform="TikTok").lead == a05
    assert route(category=bullying, platform="tiktok", on=dt.date(2025, 6, 1)).lead.code == (
        "MOET-HSSV"
    )


@pytest.mark.django_db
def test_rules_of_one_scope_may_not_overlap_in_time(reference_data, client, coordinator):
    client.force_login(coordinator)
    bullying = HarmCategory.objects.get(code="cyberbullying")
    a05 = Organisation.objects.get(code="A05")
    before = RoutingRule.objects.count()
    response = client.post(
        "/staff/routing/new/",
        {"category": bullying.pk, "lead": a05.pk, "valid_to": "2024-12-31", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "2024" not in str(RoutingRule.objects.values_list("valid_to", flat=True))
    assert RoutingRule.objects.count() == before
    # A period after the historic rule is fine.
    response = client.post(
        "/staff/routing/new/",
        {"category": bullying.pk, "lead": a05.pk, "valid_from": "2027-01-01", "is_active": "on"},
    )
    assert response.status_code == 302
    assert RoutingRule.objects.count() == before + 1
