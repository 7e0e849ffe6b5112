from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from copnet.cases.models import Case
from copnet.reports.models import Report
from copnet.stats.models import PublishedQuarter, Rollup

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_cases_reports_and_statistics(reference_data):
    call_command("seed_demo", cases=300, years=2, verbosity=0)
    assert Case.objects.filter(reference__startswith="DEMO-").count() == 300
    assert Report.objects.count() >= 300
    assert Case.objects.values("category").distinct().count() > 5
    assert Case.objects.exclude(closed_at=None).exists()
    assert Rollup.objects.exists()
    assert PublishedQuarter.objects.exists()
    call_command("seed_demo", cases=10, if_empty=True, verbosity=0)
    assert Case.objects.count() == 300


def test_no_demo_case_is_stuck_untriaged_or_without_a_lead(reference_data, settings):
    from copnet.cases.choices import CaseStatus
    from copnet.cases.recovery import overdue_notifications, overdue_untriaged
    from copnet.core.health import untriaged_cases

    call_command("seed_demo", cases=400, years=0.05, no_stats=True, verbosity=0)
    cases = Case.objects.all()
    assert not cases.filter(status=CaseStatus.NEW).exists()
    assert not cases.filter(lead_org=None).exists()
    assert not cases.filter(triaged_at=None).exists()
    assert cases.filter(status=CaseStatus.ASSIGNED, acknowledged_at=None).exists()  # recent ones
    settings.RECOVERY_GRACE_S = 0
    assert untriaged_cases(timezone.now()) == 0
    assert overdue_untriaged() == []
    assert overdue_notifications() == []  # demo leads count as notified: no e-mail storm


@pytest.mark.parametrize("cases", [0, -5, 10_000_000])
def test_seed_demo_refuses_silly_sizes(reference_data, cases):
    with pytest.raises(CommandError):
        call_command("seed_demo", cases=cases, verbosity=0)
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        "kind=month&period=2025-13",
        "kind=quarter&period=2025-Q7",
        "kind=year&period=<script>alert(1)</script>",
        "kind=decade&period=2025",
        "kind=year&period=1900",
        "kind=month&period=2025-07&category=nope",
        "kind=month&period=2025-07&province=99",
        "kind=month&period=2025-07&trend=hourly",
        "kind=month&period=%ED%A0%80",
    ],
)
def test_bad_filters_get_a_clear_translated_error(client, refreshed, coordinator, query):
    client.force_login(coordinator)
    page = client.get(f"/staff/stats/?{query}")
    assert page.status_code == 400
    assert "<script>alert" not in page.content.decode()
    assert "Vui lòng sửa các bộ lọc" in page.content.decode()
    api = client.get(f"/api/v1/stats/dashboard?{query}")
    assert api.status_code == 422
    assert api.json()["code"] == "invalid"
    assert client.get(f"/staff/stats/cases/?{query}").status_code == 400


def test_an_overlong_filter_is_refused_by_the_api(client, refreshed, coordinator):
    client.force_login(coordinator)
    response = client.get("/api/v1/stats/dashboard", {"platform": "x" * 5000})
    assert response.status_code == 422
