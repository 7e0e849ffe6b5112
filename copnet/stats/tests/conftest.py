from __future__ import annotations

import pytest

from copnet.network.models import Organisation

from .factories import at, make_case


@pytest.fixture
def small_world(reference_data, org_a, org_b):
    """Five cases in July 2025 and two in June 2025, computed by hand in the tests.

    July: A leads 3 (one also supported by B), B leads 1, one has no lead yet.
    """
    cyber, scam = "cyberbullying", "scam_gambling"
    july = [
        make_case(
            category=cyber,
            created=at(2025, 7, 1),
            lead=org_a,
            province="79",
            platform="Facebook",
            child_age_band="12-15",
            status="closed",
            channels=["web", "hotline"],
            genders=["girl", "girl"],
            triage_h=2,
            action_h=10,
            close_h=100,
        ),
        make_case(
            category=cyber,
            created=at(2025, 7, 8),
            lead=org_a,
            supporting=[org_b],
            province="74",
            platform=" facebook ",
            child_age_band="12-15",
            status="in_progress",
            channels=["web"],
            genders=["boy"],
            triage_h=4,
            action_h=60,
        ),
        make_case(
            category=scam,
            created=at(2025, 7, 15),
            lead=org_a,
            province="01",
            platform="TikTok",
            child_age_band="9-11",
            status="closed",
            channels=["api", "api", "web"],
            genders=["girl", "unknown", "girl"],
            triage_h=6,
            action_h=20,
            close_h=400,
        ),
        make_case(
            category=scam,
            created=at(2025, 7, 22),
            lead=org_b,
            province="01",
            platform="Zalo",
            child_age_band="",
            status="assigned",
            channels=["hotline"],
            genders=["boy"],
            triage_h=30,
        ),
        make_case(
            category=cyber,
            created=at(2025, 7, 29),
            lead=None,
            province="",
            platform="",
            child_age_band="6-8",
            status="new",
            channels=["volunteer"],
            genders=[""],
        ),
    ]
    june = [
        make_case(category=cyber, created=at(2025, 6, 3), lead=org_a, province="79",
                  platform="Facebook", status="closed", triage_h=1, action_h=5, close_h=50),
        make_case(category=cyber, created=at(2025, 6, 20), lead=org_a, province="79",
                  platform="Facebook", status="closed", triage_h=3, action_h=7, close_h=70),
    ]  # fmt: skip
    return {"july": july, "june": june, "a": org_a, "b": org_b}


@pytest.fixture
def refreshed(small_world):
    from copnet.stats.rollups import refresh

    from .factories import at as _at

    refresh(now=_at(2025, 9, 1))
    return small_world


@pytest.fixture
def network_org(reference_data):
    return Organisation.objects.get(code="VNCERT")
