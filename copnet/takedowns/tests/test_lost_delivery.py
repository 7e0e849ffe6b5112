"""A sent removal request whose delivery task was lost is delivered by the periodic retry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from copnet.takedowns import services
from copnet.takedowns.models import RemovalRequest
from copnet.takedowns.tasks import retry_deliveries
from copnet.takedowns.tests.factories import (
    approve,
    local_server,
    make_case,
    make_platform,
    make_request,
)


@pytest.mark.django_db
def test_a_request_never_attempted_is_delivered_once_after_the_grace_period(
    settings, alice, evidence_dir
):
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.RECOVERY_GRACE_S = 120
    case = make_case(lead=alice.organisation)
    with local_server() as receiver:
        platform = make_platform(channel="api", api_url=f"{receiver.url}/removals", api_token="t")
        receiver.statuses = [201]
        removal = make_request(
            case=case, platform=platform, actor=alice, legal_basis="user_complaint"
        )
        # Sent, but the process died before the delivery task ran (in this test: the commit
        # hook that enqueues it never runs).
        approve(removal)
        services.do_send_request(request=removal, actor=alice)
        removal.refresh_from_db()
        assert (removal.delivery, removal.attempts, removal.next_attempt_at) == ("pending", 0, None)
        assert services.due_deliveries() == []  # its own task may still come

        RemovalRequest.objects.filter(pk=removal.pk).update(
            sent_at=timezone.now() - dt.timedelta(seconds=121)
        )
        assert services.due_deliveries() == [removal.pk]
        retry_deliveries.call()
        retry_deliveries.call()

        removal.refresh_from_db()
        assert (removal.delivery, removal.attempts) == ("delivered", 1)
        assert len(receiver.received) == 1
