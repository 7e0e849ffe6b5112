"""Removal-request figures reach the statistics dashboard, scoped like the cases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from copnet.stats.periods import Period
from copnet.stats.selectors import Filters, dashboard
from copnet.takedowns import services
from copnet.takedowns.models import RemovalRequest
from copnet.takedowns.tests.factories import make_case, make_platform
from copnet.takedowns.tests.test_expiry_and_compliance import _sent


@pytest.mark.django_db
def test_removal_figures_on_the_dashboard(alice, charlie, coordinator, evidence_dir):
    case = make_case(lead=alice.organisation)
    platform = make_platform(code="plat", name="Plat")
    sent_at = timezone.now() - dt.timedelta(days=2)
    for status, hours in (("removed", 2), ("removed", 30), ("refused", 5)):
        removal = _sent(case, platform, alice)
        RemovalRequest.objects.filter(pk=removal.pk).update(
            sent_at=sent_at, deadline=sent_at + dt.timedelta(hours=24)
        )
        services.do_record_answer(
            request=removal, status=status, refusal_reason="not_found", actor=alice
        )
        RemovalRequest.objects.filter(pk=removal.pk).update(
            resolved_at=sent_at + dt.timedelta(hours=hours)
        )
    # Two re-notices were needed for the last one (the follow-up counts them on the request).
    RemovalRequest.objects.filter(pk=removal.pk).update(renotice_count=2)
    filters = Filters(Period.containing("month", timezone.localdate(case.created_at)))

    def figures(user):
        return {i.key: i.value for i in dashboard(user, filters).extra}

    mine = figures(alice)
    assert mine["removal_requests"] == 3
    assert mine["removed_within_deadline_pct"] == 33.3  # 1 of 3 within 24 hours
    assert mine["median_hours_to_removal"] == 16.0  # as every median: halfway of [2, 30]
    # Answers recorded now for requests sent two days ago: the first response took ~48 hours.
    assert 47.9 < mine["median_hours_to_first_response"] < 48.1
    assert mine["removal_renotices"] == 2
    assert figures(coordinator)["removal_requests"] == 3
    other = figures(charlie)  # another organisation sees none of them
    assert other["removal_requests"] == 0
    assert other["removed_within_deadline_pct"] is None
    assert other["removal_renotices"] == 0
