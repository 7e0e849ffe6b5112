"""A local HTTP receiver (a thread, real HTTP) plays the hotline's system: it gets every signed
webhook exactly once, even when it answered 500 or timed out the first time; retries are
bounded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail as django_mail
from django.utils import timezone

from copnet.accounts.models import User
from copnet.audit.models import AuditEvent
from copnet.cases.services import do_transition
from copnet.core.models import OutgoingEmail
from copnet.reports.models import Report
from copnet.support import webhooks
from copnet.support.models import HotlineEndpoint, WebhookDelivery
from copnet.support.services import do_move

from .factories import hotline_receiver, make_case, make_hotline, make_referral

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("local_hotline")]


def retry_due() -> list[str]:
    """The scheduler's retry sweep, run once the backoff has passed."""
    later = timezone.now() + dt.timedelta(hours=7)
    return [webhooks.deliver(pk) for pk in webhooks.due_deliveries(later)]


def pass_backoff() -> None:
    WebhookDelivery.objects.filter(state="pending").update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )


def test_every_event_reaches_the_hotline_once_after_a_500_and_a_timeout(
    immediate_tasks, alice, org_a
):
    with hotline_receiver(
        script={"referral.created": ["500"], "referral.updated": ["timeout"]}
    ) as rx:
        hotline = make_hotline(url=rx.url)
        operator = User.objects.get(organisation=hotline)
        case = make_case(lead=org_a, category="sextortion")
        Report.objects.filter(case=case).update(partner=hotline)  # the hotline reported it

        referral = make_referral(case=case, actor=alice, to=hotline)
        created = WebhookDelivery.objects.get(referral=referral, event="referral.created")
        assert created.state == "pending"  # the first attempt got a 500
        assert created.last_status == 500
        assert created.next_attempt_at > timezone.now()  # waiting out the backoff
        assert webhooks.due_deliveries() == []  # not before the backoff has passed
        pass_backoff()
        assert retry_due() == ["delivered"]

        do_move(referral=referral, target="accepted", actor=operator)  # times out first
        updated = WebhookDelivery.objects.get(referral=referral, event="referral.updated")
        assert updated.state == "pending"
        assert "timed out" in updated.last_error or "Timeout" in updated.last_error
        pass_backoff()
        assert retry_due() == ["delivered"]

        do_transition(case=case, target="in_progress", actor=alice)
        status = WebhookDelivery.objects.get(case=case, event="case.status")
        assert status.state == "delivered"

        # Running the delivery again sends nothing: a delivered event is never sent twice.
        for row in WebhookDelivery.objects.all():
            assert webhooks.deliver(row.pk) == "delivered"
        assert retry_due() == []

    events = {str(row.event_id): row for row in WebhookDelivery.objects.all()}
    assert set(rx.processed) == set(events)  # every event applied, each once
    assert len(rx.processed) == 3
    assert rx.bad_signatures == 0
    assert all(a["signed"] for a in rx.attempts)
    # 500 then success; applied-but-late then a retry the hotline recognised by its event id.
    assert [a["event"] for a in rx.attempts].count("referral.created") == 2
    assert rx.duplicates == [str(updated.event_id)]
    assert len(rx.attempts) == 5
    body = rx.processed[str(created.event_id)]
    assert body["event"] == "referral.created"
    assert body["data"]["reference"] == referral.reference
    assert body["data"]["shared"]["contact"] == "0900 000 000 (mẹ)"
    assert "child_name" not in body["data"]["shared"]  # not chosen to share
    assert rx.processed[str(status.event_id)]["data"]["status"] == "in_progress"
    assert rx.processed[str(status.event_id)]["data"]["case_reference"] == case.reference
    delivered = AuditEvent.objects.filter(target_type="support.webhookdelivery")
    assert delivered.filter(reason="webhook delivered").count() == 3
    assert delivered.filter(reason="webhook delivery failed").count() == 2


def test_a_receiver_that_keeps_failing_gets_a_bounded_number_of_attempts(
    immediate_tasks, alice, org_a, coordinator
):
    with hotline_receiver(always="500") as rx:
        hotline = make_hotline(url=rx.url)
        case = make_case(lead=org_a, category="sextortion")
        referral = make_referral(case=case, actor=alice, to=hotline)
        for _ in range(5):
            pass_backoff()
            retry_due()
    row = WebhookDelivery.objects.get(referral=referral)
    assert row.state == "failed"
    assert row.attempts == 3  # SUPPORT_WEBHOOK_MAX_ATTEMPTS
    assert len(rx.attempts) == 3
    assert rx.processed == {}
    assert webhooks.due_deliveries(timezone.now() + dt.timedelta(days=1)) == []
    assert OutgoingEmail.objects.filter(key=f"support.webhook-failed:{row.event_id}").exists()
    sent = [m for m in django_mail.outbox if referral.receiving_org.code in m.body]
    assert sent
    assert sent[0].to == [coordinator.email]


def test_a_receiver_that_always_times_out_is_given_up_on(immediate_tasks, alice, org_a):
    with hotline_receiver(always="timeout", sleep=1.5) as rx:
        hotline = make_hotline(url=rx.url)
        case = make_case(lead=org_a)
        referral = make_referral(case=case, actor=alice, to=hotline)
        for _ in range(4):
            pass_backoff()
            retry_due()
    row = WebhookDelivery.objects.get(referral=referral)
    assert row.state == "failed"
    assert row.attempts == 3
    assert len(rx.attempts) == 3


def test_a_private_address_is_refused_without_a_retry(immediate_tasks, alice, org_a, settings):
    settings.FETCH_ALLOWED_NETWORKS = []
    hotline = make_hotline(url="http://127.0.0.1:9/hooks")
    case = make_case(lead=org_a)
    referral = make_referral(case=case, actor=alice, to=hotline)
    row = WebhookDelivery.objects.get(referral=referral)
    assert row.state == "failed"
    assert row.attempts == 1
    assert "private_address" in row.last_error


def test_no_webhook_without_an_active_link(immediate_tasks, alice, org_a):
    hotline = make_hotline(url="http://127.0.0.1:9/hooks")
    HotlineEndpoint.objects.filter(organisation=hotline).update(is_active=False)
    make_referral(case=make_case(lead=org_a), actor=alice, to=hotline)
    assert not WebhookDelivery.objects.exists()
