"""A new P1 case is POSTed to its lead organisation's webhook: a real local HTTP server gets a
valid HMAC-SHA256 signature, a 500 is retried after the backoff, every attempt is logged, and a
private address is refused unless the fetch policy allows it."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from copnet.alerts import webhooks
from copnet.alerts.models import Webhook, WebhookDelivery
from copnet.alerts.tasks import retry_webhooks
from copnet.cases.models import Case
from copnet.cases.notifications import notify_assignments_now
from copnet.taxonomy.models import HarmCategory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]
SECRET = "s3cret-for-org-a"


class Receiver:
    def __init__(self, answers):
        self.answers = list(answers)
        self.received = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((dict(self.headers), body))
                status = outer.answers.pop(0) if outer.answers else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/page"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": settings.TASK_QUEUES,
        }
    }
    made = Receiver([500])
    yield made
    made.close()


def p1_case(org, ref="C26-P1CASE1", priority=1):
    now = timezone.now()
    return Case.objects.create(
        reference=ref,
        category=HarmCategory.objects.first(),
        priority=priority,
        lead_org=org,
        status="assigned",
        triaged_at=now,
        ack_due=now,
        action_due=now,
        close_due=now,
        next_due=now + dt.timedelta(hours=1),
    )


def valid(headers, body):
    expected = hmac.new(
        SECRET.encode(),
        headers["X-COPNet-Timestamp"].encode() + b"." + body,
        hashlib.sha256,
    ).hexdigest()
    return hmac.compare_digest(headers["X-COPNet-Signature"], "sha256=" + expected)


def test_p1_webhook_is_signed_and_retried_after_a_500(
    receiver, org_a, org_b, django_capture_on_commit_callbacks
):
    Webhook.objects.create(organisation=org_a, url=receiver.url, secret=SECRET)
    Webhook.objects.create(organisation=org_b, url=receiver.url, secret="other")
    case = p1_case(org_a)
    p3 = p1_case(org_a, ref="C26-P3CASE1", priority=3)
    with django_capture_on_commit_callbacks(execute=True):
        notify_assignments_now(Case.objects.filter(pk__in=[case.pk, p3.pk]).order_by("pk"))
    delivery = WebhookDelivery.objects.get()  # the P3 case and org B's hook: nothing
    assert delivery.case == case
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 1, 500)
    assert delivery.next_attempt_at > timezone.now()
    assert len(receiver.received) == 1
    # not yet due: the periodic retry does nothing
    retry_webhooks.call()
    assert len(receiver.received) == 1
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert retry_webhooks.call() == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("delivered", 2, 200)
    assert delivery.delivered_at is not None
    assert len(receiver.received) == 2
    for headers, body in receiver.received:
        assert valid(headers, body)
        payload = json.loads(body)
        assert payload["event"] == "case.p1"
        assert payload["case"]["reference"] == case.reference
        assert payload["case"]["priority"] == "P1"
    headers, body = receiver.received[-1]
    assert not valid({**headers, "X-COPNet-Timestamp": "1"}, body)
    # sent once: notifying again or delivering again sends nothing more
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.queue_p1_webhooks([case])
    assert webhooks.deliver(delivery.pk) == "delivered"
    assert len(receiver.received) == 2


def test_a_private_address_is_refused_and_logged(receiver, settings, org_a):
    settings.FETCH_ALLOWED_NETWORKS = []
    Webhook.objects.create(organisation=org_a, url=receiver.url, secret=SECRET)
    case = p1_case(org_a)
    webhooks.queue_p1_webhooks([case])
    delivery = WebhookDelivery.objects.get()
    assert webhooks.deliver(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert "private" in delivery.last_error
    assert receiver.received == []


def test_a_4xx_is_not_retried(receiver, org_a):
    receiver.answers = [404]
    Webhook.objects.create(organisation=org_a, url=receiver.url, secret=SECRET)
    webhooks.queue_p1_webhooks([p1_case(org_a)])
    delivery = WebhookDelivery.objects.get()
    assert webhooks.deliver(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert (delivery.last_status, delivery.next_attempt_at) == (404, None)


def test_a_case_raised_to_p1_after_its_lead_was_told_pages_the_lead_once(
    receiver, org_a, django_capture_on_commit_callbacks
):
    from copnet.cases.corrections import do_correct_triage

    receiver.answers = []
    Webhook.objects.create(organisation=org_a, url=receiver.url, secret=SECRET)
    case = p1_case(org_a, priority=3)
    with django_capture_on_commit_callbacks(execute=True):
        notify_assignments_now([case])
    assert receiver.received == []  # P3: no page
    case.refresh_from_db()
    assert case.notified_lead_id == org_a.pk

    with django_capture_on_commit_callbacks(execute=True):
        do_correct_triage(case=case, reason="the child is in danger", actor=None, priority=1)
    assert len(receiver.received) == 1
    assert json.loads(receiver.received[0][1])["case"]["priority"] == "P1"

    with django_capture_on_commit_callbacks(execute=True):  # down and up again: paged once
        do_correct_triage(case=case, reason="lower", actor=None, priority=2)
        do_correct_triage(case=case, reason="higher again", actor=None, priority=1)
    assert len(receiver.received) == 1
    assert WebhookDelivery.objects.get().state == "delivered"
